/**
 * A topic's compression.type other than "producer" makes the broker store batches in that codec,
 * as Kafka does: the records are decoded and encoded again with the same producer id, epoch,
 * sequence, timestamps and attributes, so idempotence and offsets are unaffected.
 */
import {compressionByName} from '../protocol/compression.js'
import {ATTR_COMPRESSION_MASK, ATTR_TIMESTAMP_TYPE, ATTR_TRANSACTIONAL, readBatchHeader} from '../protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch} from '../protocol/records.js'

/** The batch in the topic's codec, or the batch itself when it already is (or the topic keeps the producer's). */
export function recompressFor(compressionType: string, batch: Buffer): Buffer {
  if (compressionType === 'producer') return batch
  const wanted = compressionType === 'uncompressed' ? 0 : compressionByName(compressionType)
  const header = readBatchHeader(batch)
  if ((header.attributes & ATTR_COMPRESSION_MASK) === wanted) return batch
  const decoded = decodeRecordBatch(batch)
  return encodeRecordBatch({
    records: decoded.records.map((record) => ({
      key: record.key,
      value: record.value,
      headers: record.headers,
      timestamp: record.timestamp,
      offsetDelta: record.offset - header.baseOffset,
    })),
    compression: wanted,
    baseTimestamp: header.baseTimestamp,
    producerId: header.producerId,
    producerEpoch: header.producerEpoch,
    baseSequence: header.baseSequence,
    attributes: header.attributes & (ATTR_TRANSACTIONAL | ATTR_TIMESTAMP_TYPE),
    partitionLeaderEpoch: header.partitionLeaderEpoch,
  })
}
