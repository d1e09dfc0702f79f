/**
 * The record values producer-perf-test sends: random uppercase letters of --record-size bytes,
 * a random pick from --payload-file's pieces, or the record's number (--payload-monotonic).
 * Kafka refills one array per record, which its producer copies at send; kbus's producer keeps
 * the Buffer until the batch is encoded, so random payloads come from a pool of distinct
 * buffers made up front: no allocation per record, and batches still hold differing values.
 */
import {readFile, stat} from 'node:fs/promises'
import {CliError} from './errors.js'

export type PayloadSource = (index: number) => Buffer

/** The pool of distinct random payloads holds up to this many bytes (and 1024 payloads). */
const POOL_BYTES = 4 * 1024 * 1024
const POOL_MAX = 1024

/** A small seeded generator (mulberry32): the same payloads on every run, like Kafka's seed 0. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** Random A–Z payloads of `recordSize` bytes, taken from the pool in turn. */
export function randomPayloads(recordSize: number, numRecords: number, random = seededRandom(0)): PayloadSource {
  const count = Math.max(1, Math.min(numRecords, POOL_MAX, Math.floor(POOL_BYTES / Math.max(recordSize, 1))))
  const pool: Buffer[] = []
  for (let n = 0; n < count; n++) {
    const payload = Buffer.allocUnsafe(recordSize)
    for (let i = 0; i < recordSize; i++) payload[i] = 65 + Math.floor(random() * 26)
    pool.push(payload)
  }
  return (index) => pool[index % count]
}

/** One of `payloads` at random for each record. */
export function pickedPayloads(payloads: readonly Buffer[], random = seededRandom(0)): PayloadSource {
  return () => payloads[Math.floor(random() * payloads.length)]
}

/** The record's number as text: 0, 1, 2, … */
export const monotonicPayloads: PayloadSource = (index) => Buffer.from(String(index))

/**
 * Splits a payload file's text at each delimiter, as Kafka's Scanner does: empty pieces between
 * two delimiters count, a trailing delimiter does not start another piece.
 */
export function splitPayloads(text: string, delimiter: string): Buffer[] {
  const pieces = text.split(delimiter)
  if (pieces.length > 0 && pieces[pieces.length - 1] === '') pieces.pop()
  return pieces.map((piece) => Buffer.from(piece, 'utf8'))
}

/** Kafka's help shows the default delimiter as the two characters `\n`, and means a newline. */
export function payloadDelimiter(flag: string | undefined): string {
  return flag === undefined || flag === '\\n' ? '\n' : flag
}

export async function readPayloadFile(path: string, delimiter: string): Promise<Buffer[]> {
  const size = await stat(path).then(
    (info) => info.size,
    () => 0,
  )
  if (size === 0) throw new CliError(`File does not exist or empty file provided: ${path}`, {hint: 'Pass --payload-file with a non-empty text file.'})
  const payloads = splitPayloads(await readFile(path, 'utf8'), delimiter)
  if (payloads.length === 0) throw new CliError(`No payloads in ${path}: it holds only delimiters.`)
  return payloads
}
