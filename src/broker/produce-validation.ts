/**
 * The checks Kafka makes on a produced partition's records before appending them
 * (ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords). Only the batch header
 * is read: the records stay opaque bytes.
 */
import {ErrorCode} from '../protocol/errors.js'
import {
  ATTR_COMPRESSION_MASK,
  ATTR_CONTROL,
  ATTR_TRANSACTIONAL,
  Compression,
  LOG_OVERHEAD,
  batchSize,
  checkBatch,
  readBatchHeader,
} from '../protocol/record-batch.js'

export interface RecordsProblem {
  errorCode: number
  message: string
}

export interface ProduceLimits {
  maxMessageBytes: number
  segmentBytes: number
  /** Produce request version: zstd needs v7+. */
  version: number
}

const problem = (errorCode: number, message: string): RecordsProblem => ({errorCode, message})

export function validateProducedRecords(records: Buffer | null, limits: ProduceLimits): RecordsProblem | null {
  if (records === null || records.length < LOG_OVERHEAD)
    return problem(ErrorCode.INVALID_RECORD, 'Produce requests must contain exactly one record batch per partition')
  const size = batchSize(records)
  if (size > limits.maxMessageBytes)
    return problem(
      ErrorCode.MESSAGE_TOO_LARGE,
      `The record batch size in the append (${size} bytes) exceeds the maximum allowed (max.message.bytes=${limits.maxMessageBytes})`,
    )
  if (size > limits.segmentBytes)
    return problem(ErrorCode.RECORD_LIST_TOO_LARGE, `The record batch (${size} bytes) is larger than the segment size`)

  const damage = checkBatch(records)
  if (damage === 'magic')
    return problem(ErrorCode.INVALID_RECORD, 'Produce requests v3+ may only contain record batches with magic version 2')
  if (damage !== null) return problem(ErrorCode.CORRUPT_MESSAGE, `Record batch is corrupt (${damage})`)
  if (size !== records.length)
    return problem(ErrorCode.INVALID_RECORD, 'Produce requests must contain exactly one record batch per partition')

  const header = readBatchHeader(records)
  if (header.baseOffset !== 0)
    return problem(ErrorCode.INVALID_RECORD, `The base offset of a produced record batch must be 0, not ${header.baseOffset}`)
  if (header.recordsCount <= 0 || header.lastOffsetDelta + 1 !== header.recordsCount)
    return problem(ErrorCode.INVALID_RECORD, 'The record count does not match the batch\'s last offset delta')
  if (header.attributes & ATTR_CONTROL)
    return problem(ErrorCode.INVALID_RECORD, 'Clients may not produce control batches')
  if (header.attributes & ATTR_TRANSACTIONAL && header.producerId < 0)
    return problem(ErrorCode.INVALID_RECORD, 'A transactional batch must carry a producer id')
  if (header.producerId >= 0 && header.baseSequence < 0)
    return problem(ErrorCode.INVALID_RECORD, 'An idempotent batch must carry a base sequence')
  const compression = header.attributes & ATTR_COMPRESSION_MASK
  if (compression > Compression.Zstd)
    return problem(ErrorCode.INVALID_RECORD, `Unknown compression codec ${compression}`)
  if (compression === Compression.Zstd && limits.version < 7)
    return problem(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, 'zstd compression needs Produce v7 or later')
  return null
}
