/**
 * Record compression codecs (the low three bits of a batch's attributes). The codec applies to a
 * batch's records section only. gzip comes from node:zlib; snappy, lz4 and zstd live in
 * ./compression/, each loading its npm package only on first use. Decompression refuses to
 * produce more than a limit (64 MiB unless told otherwise) and reports bad input as
 * CORRUPT_MESSAGE.
 */
import {gunzipSync, gzipSync} from 'node:zlib'
import {MAX_DECOMPRESSED_BYTES, corrupt, tooLarge} from './compression/common.js'
import {compressLz4, decompressLz4} from './compression/lz4.js'
import {compressSnappy, decompressSnappy} from './compression/snappy.js'
import {compressZstd, decompressZstd} from './compression/zstd.js'
import {ErrorCode, KafkaError} from './errors.js'
import {Compression} from './record-batch.js'

export {MAX_DECOMPRESSED_BYTES} from './compression/common.js'

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof NAMES)[number]

export function compressionName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`
}

/** The codec for a Kafka compression.type name ("gzip"); throws on names Kafka does not know. */
export function compressionByName(name: string): Compression {
  const codec = NAMES.indexOf(name.toLowerCase() as CompressionName)
  if (codec < 0) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown compression name: ${name}`)
  return codec as Compression
}

export function compress(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data
    case Compression.Gzip:
      return gzipSync(data)
    case Compression.Snappy:
      return compressSnappy(data)
    case Compression.Lz4:
      return compressLz4(data)
    case Compression.Zstd:
      return compressZstd(data)
    default:
      throw unsupported(codec)
  }
}

/** Throws a KafkaError: CORRUPT_MESSAGE for bad bytes or output past `limit`, UNSUPPORTED_COMPRESSION_TYPE for codecs 5-7. */
export function decompress(codec: Compression, data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  switch (codec) {
    case Compression.None:
      return data
    case Compression.Gzip:
      return gunzip(data, limit)
    case Compression.Snappy:
      return decompressSnappy(data, limit)
    case Compression.Lz4:
      return decompressLz4(data, limit)
    case Compression.Zstd:
      return decompressZstd(data, limit)
    default:
      throw unsupported(codec)
  }
}

function gunzip(data: Buffer, limit: number): Buffer {
  try {
    // gunzipSync also reads multi-member streams, which some producers write.
    return gunzipSync(data, {maxOutputLength: limit})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge('gzip', limit)
    throw corrupt('gzip', (error as Error).message)
  }
}

function unsupported(codec: number): KafkaError {
  return new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `${compressionName(codec)} is not a Kafka compression codec`)
}
