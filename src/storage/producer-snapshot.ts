/**
 * Producer snapshot files: `<offset>.snapshot` in a partition's directory (Kafka's name, the
 * offset zero-padded to 20 digits) holds every idempotent producer's state as it stood once all
 * batches below `offset` were applied.
 *
 * kbus's own binary body rather than Kafka's: Kafka's keeps only each producer's last batch, so
 * after a restart only a retry of that one would be caught, while kbus keeps all five. Binary
 * rather than JSON because producer ids and offsets are int64 (JSON numbers lose them past 2^53),
 * a CRC over fixed bytes is simple, and a file is a few hundred bytes parsed without a tokenizer.
 * All integers big-endian:
 *
 *   version int16 (1) · crc uint32 (CRC-32C of every byte after it) · offset int64 · count int32
 *   count × { producerId int64 · epoch int16 · lastTimestamp int64 · batchCount int8
 *             batchCount × { firstSeq int32 · lastSeq int32 · firstOffset int64 · lastOffsetDelta int32 } }
 */
import {join} from 'node:path'
import {crc32c} from '../protocol/crc32c.js'
import {type StorageFs, isNotFound, writeFileAtomically} from './fs.js'
import {BATCHES_TO_RETAIN, type ProducerEntry} from './producer-state-table.js'

export const SNAPSHOT_SUFFIX = '.snapshot'
const VERSION = 1
const HEADER_SIZE = 2 + 4 + 8 + 4
const CRC_AT = 2
const CRC_FROM = 6
const ENTRY_SIZE = 8 + 2 + 8 + 1
const BATCH_SIZE = 4 + 4 + 8 + 4

/** A snapshot file that cannot be trusted: it is skipped and the state rebuilt from the log. */
export class SnapshotFormatError extends Error {}

export function snapshotFileName(offset: number): string {
  return String(offset).padStart(20, '0') + SNAPSHOT_SUFFIX
}

/** The offset a snapshot file is named after; null for any other name (`.tmp` leftovers included). */
export function parseSnapshotFileName(name: string): number | null {
  const match = /^(\d{20})\.snapshot$/.exec(name)
  return match ? Number(match[1]) : null
}

export function encodeProducerSnapshot(offset: number, entries: readonly ProducerEntry[]): Buffer {
  const size = entries.reduce((sum, entry) => sum + ENTRY_SIZE + entry.batches.length * BATCH_SIZE, HEADER_SIZE)
  const buf = Buffer.alloc(size)
  buf.writeInt16BE(VERSION, 0)
  buf.writeBigInt64BE(BigInt(offset), CRC_FROM)
  buf.writeInt32BE(entries.length, CRC_FROM + 8)
  let at = HEADER_SIZE
  for (const entry of entries) {
    buf.writeBigInt64BE(BigInt(entry.producerId), at)
    buf.writeInt16BE(entry.epoch, at + 8)
    buf.writeBigInt64BE(BigInt(entry.lastTimestamp), at + 10)
    buf.writeInt8(entry.batches.length, at + 18)
    at += ENTRY_SIZE
    for (const batch of entry.batches) {
      buf.writeInt32BE(batch.firstSeq, at)
      buf.writeInt32BE(batch.lastSeq, at + 4)
      buf.writeBigInt64BE(BigInt(batch.firstOffset), at + 8)
      buf.writeInt32BE(batch.lastOffset - batch.firstOffset, at + 16)
      at += BATCH_SIZE
    }
  }
  buf.writeUInt32BE(crc32c(buf, CRC_FROM, size), CRC_AT)
  return buf
}

/** The producers in a snapshot; throws SnapshotFormatError when any byte of it is in doubt. */
export function decodeProducerSnapshot(buf: Buffer, expectedOffset: number): ProducerEntry[] {
  const bad = (why: string) => new SnapshotFormatError(why)
  if (buf.length < HEADER_SIZE) throw bad(`${buf.length} bytes is too short`)
  const version = buf.readInt16BE(0)
  if (version !== VERSION) throw bad(`unknown version ${version}`)
  if (buf.readUInt32BE(CRC_AT) !== crc32c(buf, CRC_FROM, buf.length)) throw bad('its CRC-32C does not match its contents')
  const offset = Number(buf.readBigInt64BE(CRC_FROM))
  if (offset !== expectedOffset) throw bad(`it describes offset ${offset}, not the ${expectedOffset} of its name`)
  const count = buf.readInt32BE(CRC_FROM + 8)
  const entries: ProducerEntry[] = []
  let at = HEADER_SIZE
  for (let i = 0; i < count; i++) {
    if (at + ENTRY_SIZE > buf.length) throw bad('it ends inside a producer entry')
    const batchCount = buf.readInt8(at + 18)
    if (batchCount < 1 || batchCount > BATCHES_TO_RETAIN) throw bad(`a producer entry claims ${batchCount} batches`)
    const entry: ProducerEntry = {
      producerId: Number(buf.readBigInt64BE(at)),
      epoch: buf.readInt16BE(at + 8),
      lastTimestamp: Number(buf.readBigInt64BE(at + 10)),
      batches: [],
    }
    at += ENTRY_SIZE
    if (at + batchCount * BATCH_SIZE > buf.length) throw bad('it ends inside a producer entry')
    for (let b = 0; b < batchCount; b++) {
      const firstOffset = Number(buf.readBigInt64BE(at + 8))
      entry.batches.push({
        firstSeq: buf.readInt32BE(at),
        lastSeq: buf.readInt32BE(at + 4),
        firstOffset,
        lastOffset: firstOffset + buf.readInt32BE(at + 16),
      })
      at += BATCH_SIZE
    }
    entries.push(entry)
  }
  if (at !== buf.length) throw bad(`${buf.length - at} bytes follow the last producer entry`)
  return entries
}

/** The snapshot files in `dir` by offset, oldest first, and the leftovers of interrupted writes. */
export async function listProducerSnapshots(fs: StorageFs, dir: string): Promise<{offsets: number[]; leftovers: string[]}> {
  const offsets: number[] = []
  const leftovers: string[] = []
  for (const name of await fs.readdir(dir)) {
    const offset = parseSnapshotFileName(name)
    if (offset !== null) offsets.push(offset)
    else if (name.endsWith(`${SNAPSHOT_SUFFIX}.tmp`)) leftovers.push(name)
  }
  return {offsets: offsets.sort((a, b) => a - b), leftovers}
}

export async function readProducerSnapshot(fs: StorageFs, dir: string, offset: number): Promise<ProducerEntry[]> {
  return decodeProducerSnapshot(await fs.readFile(join(dir, snapshotFileName(offset))), offset)
}

/** Written to a temporary file, fsync'd and renamed, so a crash leaves the old file set or the new one. */
export async function writeProducerSnapshot(fs: StorageFs, dir: string, offset: number, entries: readonly ProducerEntry[]): Promise<void> {
  await writeFileAtomically(fs, dir, join(dir, snapshotFileName(offset)), encodeProducerSnapshot(offset, entries))
}

export async function deleteProducerSnapshot(fs: StorageFs, dir: string, name: string | number): Promise<void> {
  try {
    await fs.unlink(join(dir, typeof name === 'number' ? snapshotFileName(name) : name))
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
}
