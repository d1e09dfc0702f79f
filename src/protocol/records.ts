/**
 * The client side of RecordBatch v2: building a batch from records, and reading the records
 * back out of one. The broker never calls these on its hot path; it handles batches as opaque
 * bytes through record-batch.ts.
 */
import {compress, decompress} from './compression.js'
import {DecodeError, EncodeError, ErrorCode, KafkaError} from './errors.js'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  BATCH_HEADER_SIZE,
  type BatchHeader,
  Compression,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  batchSize,
  checkBatch,
  readBatchHeader,
  writeCrc,
} from './record-batch.js'
import {Reader} from './reader.js'
import {Writer} from './writer.js'

export interface RecordHeader {
  key: string
  value: Buffer | null
}

export interface RecordInput {
  key: Buffer | null
  value: Buffer | null
  headers?: RecordHeader[]
  timestamp: number
  /**
   * The record's offset minus the batch's base offset; defaults to its position in the batch.
   * Must rise from record to record: gaps are allowed, as a compacted log has them.
   */
  offsetDelta?: number
}

export interface BatchInput {
  records: RecordInput[]
  compression?: Compression
  /** Defaults to the first record's timestamp, as Kafka's producer does. */
  baseTimestamp?: number
  producerId?: number
  producerEpoch?: number
  baseSequence?: number
  /** Extra attribute bits (transactional); the codec bits come from `compression`. */
  attributes?: number
  partitionLeaderEpoch?: number
  baseOffset?: number
  /**
   * The batch's last offset delta when it reaches past its last record, or when it has none:
   * a batch compaction rebuilds keeps the offset range, and so the sequence range, it was
   * written with (Kafka's cleaner does the same).
   */
  lastOffsetDelta?: number
}

/** A record read back from a batch: offset and timestamp absolute. Key and value are views. */
export interface DecodedRecord {
  offset: number
  timestamp: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}

export interface DecodedBatch {
  header: BatchHeader
  compression: Compression
  logAppendTime: boolean
  transactional: boolean
  control: boolean
  records: DecodedRecord[]
}

/** Builds one RecordBatch v2 (offsets 0..n-1 unless the records give their deltas) with a valid CRC. */
export function encodeRecordBatch(input: BatchInput): Buffer {
  const {records} = input
  if (records.length === 0 && input.lastOffsetDelta === undefined) throw new EncodeError('a record batch needs at least one record')
  const baseTimestamp = input.baseTimestamp ?? records[0]?.timestamp ?? -1
  let maxTimestamp = records[0]?.timestamp ?? baseTimestamp
  let lastOffsetDelta = -1
  const body = new Writer(256)
  for (let i = 0; i < records.length; i++) {
    const record = records[i]
    const offsetDelta = record.offsetDelta ?? i
    if (offsetDelta <= lastOffsetDelta) throw new EncodeError(`record offset deltas must rise: ${offsetDelta} after ${lastOffsetDelta}`)
    lastOffsetDelta = offsetDelta
    if (record.timestamp > maxTimestamp) maxTimestamp = record.timestamp
    writeRecord(body, record, offsetDelta, record.timestamp - baseTimestamp)
  }
  if (input.lastOffsetDelta !== undefined) {
    if (input.lastOffsetDelta < lastOffsetDelta) throw new EncodeError(`lastOffsetDelta ${input.lastOffsetDelta} is below the last record's ${lastOffsetDelta}`)
    lastOffsetDelta = input.lastOffsetDelta
  }
  // A batch without records is written as Kafka writes one: a bare header, nothing compressed.
  const codec = records.length === 0 ? Compression.None : (input.compression ?? Compression.None)
  const payload = compress(codec, body.finish())

  const w = new Writer(BATCH_HEADER_SIZE + payload.length)
  w.int64(input.baseOffset ?? 0)
  w.int32(BATCH_HEADER_SIZE - LOG_OVERHEAD + payload.length)
  w.int32(input.partitionLeaderEpoch ?? -1)
  w.int8(CURRENT_MAGIC)
  w.uint32(0) // CRC, filled in below
  w.int16(((input.attributes ?? 0) & ~ATTR_COMPRESSION_MASK) | codec)
  w.int32(lastOffsetDelta)
  w.int64(baseTimestamp)
  w.int64(maxTimestamp)
  w.int64(input.producerId ?? -1)
  w.int16(input.producerEpoch ?? -1)
  w.int32(input.baseSequence ?? -1)
  w.int32(records.length)
  w.raw(payload)
  const batch = w.finish()
  writeCrc(batch)
  return batch
}

function writeRecord(w: Writer, record: RecordInput, offsetDelta: number, timestampDelta: number): void {
  const headers = record.headers ?? []
  const headerKeys = headers.map((header) => Buffer.from(header.key))
  let size = 1 + varlongSize(timestampDelta) + varintSize(offsetDelta)
  size += nullableBytesSize(record.key) + nullableBytesSize(record.value) + varintSize(headers.length)
  for (let i = 0; i < headers.length; i++) size += nullableBytesSize(headerKeys[i]) + nullableBytesSize(headers[i].value)

  w.varint(size)
  w.int8(0)
  w.varlong(timestampDelta)
  w.varint(offsetDelta)
  writeNullableBytes(w, record.key)
  writeNullableBytes(w, record.value)
  w.varint(headers.length)
  for (let i = 0; i < headers.length; i++) {
    writeNullableBytes(w, headerKeys[i])
    writeNullableBytes(w, headers[i].value)
  }
}

function writeNullableBytes(w: Writer, bytes: Buffer | null): void {
  if (bytes === null) return w.varint(-1)
  w.varint(bytes.length)
  w.raw(bytes)
}

function nullableBytesSize(bytes: Buffer | null): number {
  return bytes === null ? 1 : varintSize(bytes.length) + bytes.length
}

/** Bytes a zig-zag varint takes. */
export function varintSize(value: number): number {
  return unsignedSize(((value << 1) ^ (value >> 31)) >>> 0)
}

/** Bytes a zig-zag varlong takes. */
export function varlongSize(value: number): number {
  // Past 2^52 the doubled value is inexact, but only its magnitude matters here.
  return unsignedSize(value >= 0 ? value * 2 : -value * 2 - 1)
}

function unsignedSize(value: number): number {
  let bytes = 1
  while (value >= 128) {
    value = Math.floor(value / 128)
    bytes++
  }
  return bytes
}

/**
 * Reads the batch at `offset`: its header and every record, with absolute offsets and
 * timestamps (a LogAppendTime batch stamps each record with its maxTimestamp). Checks length,
 * magic and CRC first; a damaged batch throws a DecodeError with CORRUPT_MESSAGE.
 */
export function decodeRecordBatch(buf: Buffer, offset = 0): DecodedBatch {
  const problem = checkBatch(buf, offset)
  if (problem === 'magic') {
    throw new DecodeError(`record batch magic ${buf.readInt8(offset + 16)} is not supported (only v2)`, ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT)
  }
  if (problem) throw new DecodeError(`record batch at offset ${offset} is corrupt (${problem})`, ErrorCode.CORRUPT_MESSAGE)
  const header = readBatchHeader(buf, offset)
  const compression = (header.attributes & ATTR_COMPRESSION_MASK) as Compression
  const logAppendTime = (header.attributes & ATTR_TIMESTAMP_TYPE) !== 0
  const end = offset + batchSize(buf, offset)
  const payload = decompressPayload(compression, buf.subarray(offset + BATCH_HEADER_SIZE, end))
  let records: DecodedRecord[]
  try {
    records = readRecords(new Reader(payload), header, logAppendTime)
  } catch (error) {
    if (error instanceof DecodeError) throw new DecodeError(`record batch at offset ${offset}: ${error.message}`, ErrorCode.CORRUPT_MESSAGE)
    throw error
  }
  return {
    header,
    compression,
    logAppendTime,
    transactional: (header.attributes & ATTR_TRANSACTIONAL) !== 0,
    control: (header.attributes & ATTR_CONTROL) !== 0,
    records,
  }
}

function decompressPayload(compression: Compression, payload: Buffer): Buffer {
  try {
    return decompress(compression, payload)
  } catch (error) {
    if (error instanceof KafkaError) throw error
    throw new DecodeError(`cannot decompress record batch: ${(error as Error).message}`, ErrorCode.CORRUPT_MESSAGE)
  }
}

function readRecords(r: Reader, header: BatchHeader, logAppendTime: boolean): DecodedRecord[] {
  const records: DecodedRecord[] = new Array(Math.max(0, header.recordsCount))
  for (let i = 0; i < records.length; i++) {
    const length = r.varint()
    const recordEnd = r.offset + length
    if (length < 0 || recordEnd > r.end) throw new DecodeError(`record ${i} overruns its batch`)
    r.int8() // record attributes: unused
    const timestampDelta = r.varlong()
    const offsetDelta = r.varint()
    const key = readNullableBytes(r)
    const value = readNullableBytes(r)
    const headerCount = r.varint()
    const headers: RecordHeader[] = []
    for (let h = 0; h < headerCount; h++) {
      const headerKey = readNullableBytes(r)
      headers.push({key: headerKey === null ? '' : headerKey.toString('utf8'), value: readNullableBytes(r)})
    }
    r.offset = recordEnd
    records[i] = {
      offset: header.baseOffset + offsetDelta,
      timestamp: logAppendTime ? header.maxTimestamp : header.baseTimestamp + timestampDelta,
      key,
      value,
      headers,
    }
  }
  return records
}

function readNullableBytes(r: Reader): Buffer | null {
  const length = r.varint()
  return length < 0 ? null : r.view(length, 'record bytes')
}

/**
 * The complete batches in a Fetch `records` blob, as views. A fetch may end with a partial
 * batch (the broker cut it at max bytes): iteration stops quietly there.
 */
export function* iterateBatches(blob: Buffer | null): Generator<Buffer> {
  if (!blob) return
  let offset = 0
  while (offset + LOG_OVERHEAD <= blob.length) {
    const size = batchSize(blob, offset)
    if (size < LOG_OVERHEAD || offset + size > blob.length) return
    yield blob.subarray(offset, offset + size)
    offset += size
  }
}
