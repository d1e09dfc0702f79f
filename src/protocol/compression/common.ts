/**
 * What every codec module shares: the error for bad compressed bytes, and loading a codec's npm
 * package only when that codec is first used, so commands that never see it do not pay for it.
 */
import {createRequire} from 'node:module'
import {DecodeError, ErrorCode} from '../errors.js'

/**
 * The most bytes one batch may inflate to. Java brokers cap a batch at message.max.bytes (1 MiB by
 * default) and clients at fetch.max.bytes (50 MiB); a crafted payload must not make kbus allocate
 * more than this (CVE-2023-34455 was exactly that, through snappy).
 */
export const MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024

export function corrupt(codec: string, detail: string): DecodeError {
  return new DecodeError(`invalid ${codec} data: ${detail}`, ErrorCode.CORRUPT_MESSAGE)
}

export function tooLarge(codec: string, limit: number): DecodeError {
  return corrupt(codec, `it inflates to more than ${limit} bytes`)
}

/** A getter that `require`s a CommonJS package on first call and keeps it. */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined
  return () => {
    if (loaded === undefined) loaded = createRequire(import.meta.url)(name) as T
    return loaded
  }
}
