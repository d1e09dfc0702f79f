/**
 * What kafka-dump-log prints about a log segment and its indexes, as pure functions of bytes:
 * the batch line (`baseOffset: … isvalid: true`), the record lines of deep iteration
 * (`| offset: … payload: …`), and the entries of `.index` (8 bytes: relative offset int32,
 * position int32) and `.timeindex` (12 bytes: timestamp int64, relative offset int32) files.
 * It reads the files' formats itself: the CLI is a client and never loads the broker's storage.
 */
import {compressionName} from '../protocol/compression.js'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TIMESTAMP_TYPE,
  ATTR_TRANSACTIONAL,
  type BatchHeader,
  computeCrc,
} from '../protocol/record-batch.js'
import type {DecodedRecord} from '../protocol/records.js'

/** RecordBatch attribute bit: the batch carries a delete horizon (a cleaned batch with tombstones). */
const ATTR_DELETE_HORIZON = 0x40
const INT32_MAX = 2 ** 31 - 1
const NO_SEQUENCE = -1

export const OFFSET_INDEX_ENTRY_BYTES = 8
export const TIME_INDEX_ENTRY_BYTES = 12

/** Kafka's segment file names: the base offset in 20 digits, then .log, .index or .timeindex. */
export function segmentBaseOffset(fileName: string): number | null {
  const match = /^(\d{20})\.[a-z]+$/.exec(fileName)
  return match ? Number(match[1]) : null
}

export function timestampType(header: BatchHeader): 'CreateTime' | 'LogAppendTime' {
  return (header.attributes & ATTR_TIMESTAMP_TYPE) !== 0 ? 'LogAppendTime' : 'CreateTime'
}

/** Sequence numbers wrap from Integer.MAX_VALUE to 0, as Kafka's producer state does. */
export function sequenceAt(baseSequence: number, delta: number): number {
  if (baseSequence === NO_SEQUENCE) return NO_SEQUENCE
  return baseSequence > INT32_MAX - delta ? delta - (INT32_MAX - baseSequence) - 1 : baseSequence + delta
}

export function lastOffsetOf(header: BatchHeader): number {
  return header.baseOffset + header.lastOffsetDelta
}

/** Whether the CRC-32C over the batch (from its attributes on) matches the stored one. */
export function batchCrcValid(batch: Buffer): boolean {
  return computeCrc(batch) === batch.readUInt32BE(17)
}

export function batchLine(header: BatchHeader, position: number, size: number, valid: boolean): string {
  const deleteHorizon = (header.attributes & ATTR_DELETE_HORIZON) !== 0 ? `OptionalLong[${header.baseTimestamp}]` : 'OptionalLong.empty'
  return [
    `baseOffset: ${header.baseOffset}`,
    `lastOffset: ${lastOffsetOf(header)}`,
    `count: ${header.recordsCount}`,
    `baseSequence: ${header.baseSequence}`,
    `lastSequence: ${sequenceAt(header.baseSequence, header.lastOffsetDelta)}`,
    `producerId: ${header.producerId}`,
    `producerEpoch: ${header.producerEpoch}`,
    `partitionLeaderEpoch: ${header.partitionLeaderEpoch}`,
    `isTransactional: ${(header.attributes & ATTR_TRANSACTIONAL) !== 0}`,
    `isControl: ${(header.attributes & ATTR_CONTROL) !== 0}`,
    `deleteHorizonMs: ${deleteHorizon}`,
    `position: ${position}`,
    `${timestampType(header)}: ${header.maxTimestamp}`,
    `size: ${size}`,
    `magic: ${header.magic}`,
    `compresscodec: ${compressionName(header.attributes & ATTR_COMPRESSION_MASK)}`,
    `crc: ${header.crc}`,
    `isvalid: ${valid}`,
  ].join(' ')
}

export interface RecordLineOptions {
  /** --print-data-log: key and payload as UTF-8 text. */
  printData: boolean
  /** --skip-record-metadata: only key and payload. */
  skipMetadata: boolean
}

/** One `| offset: …` line of deep iteration, in kafka-dump-log's field order. */
export function recordLine(record: DecodedRecord, header: BatchHeader, opts: RecordLineOptions): string {
  const control = (header.attributes & ATTR_CONTROL) !== 0
  let line = '|'
  if (!opts.skipMetadata) {
    line += ` offset: ${record.offset} ${timestampType(header)}: ${record.timestamp}`
    line += ` keySize: ${record.key?.length ?? -1} valueSize: ${record.value?.length ?? -1}`
    line += ` sequence: ${sequenceAt(header.baseSequence, record.offset - header.baseOffset)}`
    line += ` headerKeys: [${record.headers.map((h) => h.key).join(',')}]`
    if (control) line += ` ${controlDescription(record.key, record.value)}`
  }
  if (opts.printData && !control) {
    if (record.key) line += ` key: ${record.key.toString('utf8')}`
    if (record.value) line += ` payload: ${record.value.toString('utf8')}`
  }
  return line
}

/** A control record: a transaction marker (key: version, type; value: version, coordinator epoch). */
export function controlDescription(key: Buffer | null, value: Buffer | null): string {
  const type = key && key.length >= 4 ? key.readInt16BE(2) : -1
  if ((type === 0 || type === 1) && value && value.length >= 6)
    return `endTxnMarker: ${type === 0 ? 'ABORT' : 'COMMIT'} coordinatorEpoch: ${value.readInt32BE(2)}`
  return `controlType: UNKNOWN(${type})`
}

export interface OffsetIndexEntry {
  offset: number
  position: number
}

export interface TimeIndexEntry {
  timestamp: number
  offset: number
}

/**
 * The entries of a `.index` file with absolute offsets. A zero entry after the first marks the
 * unused, preallocated tail Kafka leaves after a crash: reading stops there, as Kafka's does.
 */
export function offsetIndexEntries(bytes: Buffer, baseOffset: number): OffsetIndexEntry[] {
  const entries: OffsetIndexEntry[] = []
  for (let at = 0; at + OFFSET_INDEX_ENTRY_BYTES <= bytes.length; at += OFFSET_INDEX_ENTRY_BYTES) {
    const relative = bytes.readInt32BE(at)
    if (relative === 0 && at > 0) break
    entries.push({offset: baseOffset + relative, position: bytes.readInt32BE(at + 4)})
  }
  return entries
}

export function timeIndexEntries(bytes: Buffer, baseOffset: number): TimeIndexEntry[] {
  const entries: TimeIndexEntry[] = []
  for (let at = 0; at + TIME_INDEX_ENTRY_BYTES <= bytes.length; at += TIME_INDEX_ENTRY_BYTES) {
    const relative = bytes.readInt32BE(at + 8)
    if (relative === 0 && at > 0) break
    entries.push({timestamp: Number(bytes.readBigInt64BE(at)), offset: baseOffset + relative})
  }
  return entries
}

/** Kafka's index lookup: the position of the last entry at or below `offset`, else the segment start. */
export function indexedPosition(entries: readonly OffsetIndexEntry[], offset: number): number {
  let position = 0
  for (const entry of entries) {
    if (entry.offset > offset) break
    position = entry.position
  }
  return position
}
