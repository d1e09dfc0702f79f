/**
 * Producer snapshot files: `<offset>.snapshot` in a partition's directory (Kafka's name, the
 * offset zero-padded to 20 digits) holds every idempotent producer's state, and the partition's
 * aborted transactions, as they stood once all batches below `offset` were applied.
 *
 * kbus's own binary body rather than Kafka's: Kafka's keeps only each producer's last batch, so
 * after a restart only a retry of that one would be caught, while kbus keeps all five. Binary
 * rather than JSON because producer ids and offsets are int64 (JSON numbers lose them past 2^53),
 * a CRC over fixed bytes is simple, and a file is a few hundred bytes parsed without a tokenizer.
 * All integers big-endian. Version 2 (written since transactions came):
 *
 *   version int16 (2) · crc uint32 (CRC-32C of every byte after it) · offset int64 · count int32
 *   count × { producerId int64 · epoch int16 · lastTimestamp int64 · currentTxnFirstOffset int64 (-1: none open)
 *             batchCount int8 (0 when a marker moved the producer to a new epoch)
 *             batchCount × { firstSeq int32 · lastSeq int32 · firstOffset int64 · lastOffsetDelta int32 } }
 *   abortedCount int32
 *   abortedCount × { producerId int64 · firstOffset int64 · lastOffset int64 · lastStableOffset int64 }
 *
 * Version 1, still read (as a partition with no transactions): the same header and producer
 * entries without currentTxnFirstOffset, batchCount at least 1, and no aborted list.
 */
import {join} from 'node:path'
import {crc32c} from '../protocol/crc32c.js'
import {type StorageFs, isNotFound, writeFileAtomically} from './fs.js'
import {type AbortedTransaction, BATCHES_TO_RETAIN, type ProducerEntry, type ProducerStateContents} from './producer-state-table.js'

export const SNAPSHOT_SUFFIX = '.snapshot'
const VERSION = 2
const VERSION_WITHOUT_TRANSACTIONS = 1
const HEADER_SIZE = 2 + 4 + 8 + 4
const CRC_AT = 2
const CRC_FROM = 6
const ENTRY_SIZE = 8 + 2 + 8 + 8 + 1
const V1_ENTRY_SIZE = 8 + 2 + 8 + 1
const BATCH_SIZE = 4 + 4 + 8 + 4
const ABORTED_COUNT_SIZE = 4
const ABORTED_SIZE = 8 + 8 + 8 + 8
const NO_OFFSET = -1

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

export function encodeProducerSnapshot(offset: number, contents: ProducerStateContents): Buffer {
  const {entries, aborted} = contents
  const entriesSize = entries.reduce((sum, entry) => sum + ENTRY_SIZE + entry.batches.length * BATCH_SIZE, 0)
  const size = HEADER_SIZE + entriesSize + ABORTED_COUNT_SIZE + aborted.length * ABORTED_SIZE
  const buf = Buffer.alloc(size)
  buf.writeInt16BE(VERSION, 0)
  buf.writeBigInt64BE(BigInt(offset), CRC_FROM)
  buf.writeInt32BE(entries.length, CRC_FROM + 8)
  let at = HEADER_SIZE
  for (const entry of entries) {
    buf.writeBigInt64BE(BigInt(entry.producerId), at)
    buf.writeInt16BE(entry.epoch, at + 8)
    buf.writeBigInt64BE(BigInt(entry.lastTimestamp), at + 10)
    buf.writeBigInt64BE(BigInt(entry.currentTxnFirstOffset ?? NO_OFFSET), at + 18)
    buf.writeInt8(entry.batches.length, at + 26)
    at += ENTRY_SIZE
    for (const batch of entry.batches) {
      buf.writeInt32BE(batch.firstSeq, at)
      buf.writeInt32BE(batch.lastSeq, at + 4)
      buf.writeBigInt64BE(BigInt(batch.firstOffset), at + 8)
      buf.writeInt32BE(batch.lastOffset - batch.firstOffset, at + 16)
      at += BATCH_SIZE
    }
  }
  buf.writeInt32BE(aborted.length, at)
  at += ABORTED_COUNT_SIZE
  for (const txn of aborted) {
    buf.writeBigInt64BE(BigInt(txn.producerId), at)
    buf.writeBigInt64BE(BigInt(txn.firstOffset), at + 8)
    buf.writeBigInt64BE(BigInt(txn.lastOffset), at + 16)
    buf.writeBigInt64BE(BigInt(txn.lastStableOffset), at + 24)
    at += ABORTED_SIZE
  }
  buf.writeUInt32BE(crc32c(buf, CRC_FROM, size), CRC_AT)
  return buf
}

/** The state a snapshot holds; throws SnapshotFormatError when any byte of it is in doubt. */
export function decodeProducerSnapshot(buf: Buffer, expectedOffset: number): ProducerStateContents {
  if (buf.length < HEADER_SIZE) throw bad(`${buf.length} bytes is too short`)
  const version = buf.readInt16BE(0)
  if (version !== VERSION && version !== VERSION_WITHOUT_TRANSACTIONS) throw bad(`unknown version ${version}`)
  if (buf.readUInt32BE(CRC_AT) !== crc32c(buf, CRC_FROM, buf.length)) throw bad('its CRC-32C does not match its contents')
  const offset = Number(buf.readBigInt64BE(CRC_FROM))
  if (offset !== expectedOffset) throw bad(`it describes offset ${offset}, not the ${expectedOffset} of its name`)
  const withTransactions = version === VERSION
  const entrySize = withTransactions ? ENTRY_SIZE : V1_ENTRY_SIZE
  // Before transactions an entry only came from a data batch, so it always had one.
  const fewestBatches = withTransactions ? 0 : 1
  const count = buf.readInt32BE(CRC_FROM + 8)
  const entries: ProducerEntry[] = []
  let at = HEADER_SIZE
  for (let i = 0; i < count; i++) {
    if (at + entrySize > buf.length) throw bad('it ends inside a producer entry')
    const batchCount = buf.readInt8(at + entrySize - 1)
    if (batchCount < fewestBatches || batchCount > BATCHES_TO_RETAIN) throw bad(`a producer entry claims ${batchCount} batches`)
    const txnFirstOffset = withTransactions ? Number(buf.readBigInt64BE(at + 18)) : NO_OFFSET
    const entry: ProducerEntry = {
      producerId: Number(buf.readBigInt64BE(at)),
      epoch: buf.readInt16BE(at + 8),
      lastTimestamp: Number(buf.readBigInt64BE(at + 10)),
      batches: [],
      currentTxnFirstOffset: txnFirstOffset === NO_OFFSET ? null : txnFirstOffset,
    }
    at += entrySize
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
  const aborted: AbortedTransaction[] = []
  if (withTransactions) {
    if (at + ABORTED_COUNT_SIZE > buf.length) throw bad('it ends before its aborted transactions')
    const abortedCount = buf.readInt32BE(at)
    at += ABORTED_COUNT_SIZE
    if (abortedCount < 0 || at + abortedCount * ABORTED_SIZE > buf.length) throw bad(`it cannot hold the ${abortedCount} aborted transactions it claims`)
    for (let i = 0; i < abortedCount; i++) {
      aborted.push({
        producerId: Number(buf.readBigInt64BE(at)),
        firstOffset: Number(buf.readBigInt64BE(at + 8)),
        lastOffset: Number(buf.readBigInt64BE(at + 16)),
        lastStableOffset: Number(buf.readBigInt64BE(at + 24)),
      })
      at += ABORTED_SIZE
    }
  }
  if (at !== buf.length) throw bad(`${buf.length - at} bytes follow the end of its contents`)
  return {entries, aborted}
}

function bad(why: string): SnapshotFormatError {
  return new SnapshotFormatError(why)
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

export async function readProducerSnapshot(fs: StorageFs, dir: string, offset: number): Promise<ProducerStateContents> {
  return decodeProducerSnapshot(await fs.readFile(join(dir, snapshotFileName(offset))), offset)
}

/** Written to a temporary file, fsync'd and renamed, so a crash leaves the old file set or the new one. */
export async function writeProducerSnapshot(fs: StorageFs, dir: string, offset: number, contents: ProducerStateContents): Promise<void> {
  await writeFileAtomically(fs, dir, join(dir, snapshotFileName(offset)), encodeProducerSnapshot(offset, contents))
}

export async function deleteProducerSnapshot(fs: StorageFs, dir: string, name: string | number): Promise<void> {
  try {
    await fs.unlink(join(dir, typeof name === 'number' ? snapshotFileName(name) : name))
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
}
