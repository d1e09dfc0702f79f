/**
 * The RecordBatch v2 header: the only part of a batch the broker and the log look at.
 * Records themselves stay opaque bytes on the broker (see records.ts for the client side).
 *
 * Layout (offsets in bytes): baseOffset 0 (int64) · batchLength 8 (int32, bytes after this
 * field) · partitionLeaderEpoch 12 · magic 16 · crc 17 (CRC-32C of [21, end)) · attributes 21 ·
 * lastOffsetDelta 23 · baseTimestamp 27 · maxTimestamp 35 · producerId 43 · producerEpoch 51 ·
 * baseSequence 53 · recordsCount 57 · records 61.
 */
import {crc32c} from './crc32c.js'

/** baseOffset + batchLength: Kafka's LOG_OVERHEAD. */
export const LOG_OVERHEAD = 12
/** Size of the fixed header before the records. */
export const BATCH_HEADER_SIZE = 61
export const CURRENT_MAGIC = 2

const PARTITION_LEADER_EPOCH = 12
const MAGIC = 16
const CRC = 17
const ATTRIBUTES = 21
const CRC_START = ATTRIBUTES
const LAST_OFFSET_DELTA = 23
const BASE_TIMESTAMP = 27
const MAX_TIMESTAMP = 35
const PRODUCER_ID = 43
const PRODUCER_EPOCH = 51
const BASE_SEQUENCE = 53
const RECORDS_COUNT = 57

export const enum Compression {
  None = 0,
  Gzip = 1,
  Snappy = 2,
  Lz4 = 3,
  Zstd = 4,
}

export const ATTR_COMPRESSION_MASK = 0x07
export const ATTR_TIMESTAMP_TYPE = 0x08
export const ATTR_TRANSACTIONAL = 0x10
export const ATTR_CONTROL = 0x20

export interface BatchHeader {
  baseOffset: number
  /** Bytes after the batchLength field; the whole batch is batchLength + LOG_OVERHEAD. */
  batchLength: number
  partitionLeaderEpoch: number
  magic: number
  crc: number
  attributes: number
  lastOffsetDelta: number
  baseTimestamp: number
  maxTimestamp: number
  producerId: number
  producerEpoch: number
  baseSequence: number
  recordsCount: number
}

const TWO_POW_32 = 0x1_0000_0000

/**
 * An int64 field as a number, from its two halves: the header is read for every produced and
 * fetched batch, and a BigInt per field is an allocation each time. Beyond 2^53 the value is
 * rounded, as Number(bigint) would.
 */
function readInt64(buf: Buffer, at: number): number {
  return buf.readInt32BE(at) * TWO_POW_32 + buf.readUInt32BE(at + 4)
}

/** Writes a safe integer (offsets, timestamps) as an int64 field without a BigInt. */
function writeInt64(buf: Buffer, value: number, at: number): void {
  const high = Math.floor(value / TWO_POW_32)
  buf.writeInt32BE(high, at)
  buf.writeUInt32BE(value - high * TWO_POW_32, at + 4)
}

/** Total size in bytes of the batch starting at `offset`, read from its length field. */
export function batchSize(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + 8) + LOG_OVERHEAD
}

export function readBatchHeader(buf: Buffer, offset = 0): BatchHeader {
  return {
    baseOffset: readInt64(buf, offset),
    batchLength: buf.readInt32BE(offset + 8),
    partitionLeaderEpoch: buf.readInt32BE(offset + PARTITION_LEADER_EPOCH),
    magic: buf.readInt8(offset + MAGIC),
    crc: buf.readUInt32BE(offset + CRC),
    attributes: buf.readInt16BE(offset + ATTRIBUTES),
    lastOffsetDelta: buf.readInt32BE(offset + LAST_OFFSET_DELTA),
    baseTimestamp: readInt64(buf, offset + BASE_TIMESTAMP),
    maxTimestamp: readInt64(buf, offset + MAX_TIMESTAMP),
    producerId: readInt64(buf, offset + PRODUCER_ID),
    producerEpoch: buf.readInt16BE(offset + PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(offset + BASE_SEQUENCE),
    recordsCount: buf.readInt32BE(offset + RECORDS_COUNT),
  }
}

export function readBaseOffset(buf: Buffer, offset = 0): number {
  return readInt64(buf, offset)
}

export function readLastOffsetDelta(buf: Buffer, offset = 0): number {
  return buf.readInt32BE(offset + LAST_OFFSET_DELTA)
}

export function readMaxTimestamp(buf: Buffer, offset = 0): number {
  return readInt64(buf, offset + MAX_TIMESTAMP)
}

/** -1 unless the batch comes from an idempotent producer. */
export function readProducerId(buf: Buffer, offset = 0): number {
  return readInt64(buf, offset + PRODUCER_ID)
}

/** Rewrites the base offset in place. It lies outside the CRC, so the batch stays valid. */
export function writeBaseOffset(buf: Buffer, baseOffset: number, offset = 0): void {
  writeInt64(buf, baseOffset, offset)
}

/** Rewrites the partition leader epoch in place (also outside the CRC). */
export function writePartitionLeaderEpoch(buf: Buffer, epoch: number, offset = 0): void {
  buf.writeInt32BE(epoch, offset + PARTITION_LEADER_EPOCH)
}

/** Sets LogAppendTime on a batch: the timestamp type bit and maxTimestamp, then a fresh CRC. */
export function stampLogAppendTime(buf: Buffer, now: number, offset = 0): void {
  const attributes = buf.readInt16BE(offset + ATTRIBUTES) | ATTR_TIMESTAMP_TYPE
  buf.writeInt16BE(attributes, offset + ATTRIBUTES)
  writeInt64(buf, now, offset + MAX_TIMESTAMP)
  writeCrc(buf, offset)
}

export function computeCrc(buf: Buffer, offset = 0): number {
  return crc32c(buf, offset + CRC_START, offset + batchSize(buf, offset))
}

export function writeCrc(buf: Buffer, offset = 0): void {
  buf.writeUInt32BE(computeCrc(buf, offset), offset + CRC)
}

export type BatchProblem = 'short' | 'length' | 'magic' | 'crc'

/**
 * Checks the batch at `offset` within `buf[offset, end)`: enough bytes for a header, a length
 * field that fits, magic 2 and a matching CRC-32C. Returns null when the batch is sound.
 */
export function checkBatch(buf: Buffer, offset = 0, end = buf.length): BatchProblem | null {
  if (end - offset < BATCH_HEADER_SIZE) return 'short'
  const size = batchSize(buf, offset)
  if (size < BATCH_HEADER_SIZE || offset + size > end) return 'length'
  if (buf.readInt8(offset + MAGIC) !== CURRENT_MAGIC) return 'magic'
  if (buf.readUInt32BE(offset + CRC) !== computeCrc(buf, offset)) return 'crc'
  return null
}
