/**
 * Transaction markers (Kafka's EndTxnMarker): the control batch written into every partition of a
 * transaction when it ends, telling readers whether the producer's records before it count. One
 * uncompressed record whose key is version int16 (0) + type int16 (0 abort, 1 commit) and whose
 * value is version int16 (0) + the coordinator's epoch int32.
 */
import {ATTR_CONTROL, ATTR_COMPRESSION_MASK, ATTR_TRANSACTIONAL, BATCH_HEADER_SIZE, readBatchHeader} from './record-batch.js'
import {encodeRecordBatch} from './records.js'

export type EndTxnMarkerKind = 'commit' | 'abort'

const ABORT = 0
const COMMIT = 1
const KEY_SIZE = 4

export interface EndTxnMarkerInput {
  producerId: number
  producerEpoch: number
  kind: EndTxnMarkerKind
  coordinatorEpoch: number
  timestamp: number
}

/** The marker batch, at offset 0 (the log gives it its offset) and without a sequence, as Kafka writes it. */
export function encodeEndTxnMarker(input: EndTxnMarkerInput): Buffer {
  const key = Buffer.alloc(KEY_SIZE)
  key.writeInt16BE(input.kind === 'commit' ? COMMIT : ABORT, 2)
  const value = Buffer.alloc(6)
  value.writeInt32BE(input.coordinatorEpoch, 2)
  return encodeRecordBatch({
    records: [{key, value, timestamp: input.timestamp}],
    producerId: input.producerId,
    producerEpoch: input.producerEpoch,
    baseSequence: -1,
    attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL,
  })
}

/**
 * The kind of transaction marker the batch at `offset` is, or null when it is none (not a control
 * batch, compressed, or a control record of another type). Reads only the first record's key.
 */
export function readEndTxnMarker(batch: Buffer, offset = 0): EndTxnMarkerKind | null {
  const header = readBatchHeader(batch, offset)
  if ((header.attributes & ATTR_CONTROL) === 0 || (header.attributes & ATTR_COMPRESSION_MASK) !== 0) return null
  // The first record: length, attributes (1 byte), timestamp delta, offset delta, key length, key.
  let at = offset + BATCH_HEADER_SIZE
  at = skipVarint(batch, at)
  at += 1
  at = skipVarint(batch, at)
  at = skipVarint(batch, at)
  const keyLength = readZigZagVarint(batch, at)
  if (keyLength === null || keyLength.value !== KEY_SIZE) return null
  at = keyLength.next
  if (at + KEY_SIZE > batch.length) return null
  const type = batch.readInt16BE(at + 2)
  return type === COMMIT ? 'commit' : type === ABORT ? 'abort' : null
}

function skipVarint(buf: Buffer, at: number): number {
  while (at < buf.length && (buf[at] & 0x80) !== 0) at++
  return at + 1
}

function readZigZagVarint(buf: Buffer, at: number): {value: number; next: number} | null {
  let raw = 0
  let shift = 0
  for (; at < buf.length && shift < 35; shift += 7) {
    const byte = buf[at++]
    raw |= (byte & 0x7f) << shift
    if ((byte & 0x80) === 0) return {value: (raw >>> 1) ^ -(raw & 1), next: at}
  }
  return null
}
