/**
 * Produce (0): advertised from v0 like Kafka 4 (librdkafka before 2.11.1 only compresses when
 * v0 is listed), served for v3-12; the broker closes the connection on v0-2 as Kafka does.
 * Each partition's single batch is checked by its header, given its offsets and appended as it
 * came. acks=-1 answers after fsync, acks=1 after the write, acks=0 never.
 */
import {ErrorCode, KafkaError, errorMessage} from '../../protocol/errors.js'
import {Produce} from '../../protocol/messages/00-produce.js'
import {ATTR_TRANSACTIONAL, type BatchHeader, readBatchHeader, stampLogAppendTime, writePartitionLeaderEpoch} from '../../protocol/record-batch.js'
import {decodeRecordBatch} from '../../protocol/records.js'
import type {BrokerCore} from '../broker-core.js'
import {CloseConnection} from '../errors.js'
import {defineHandler} from '../handler.js'
import {LEADER_EPOCH} from '../partition.js'
import {checkSequence} from '../producer-state.js'
import {type RecordsProblem, validateProducedRecords} from '../produce-validation.js'
import {recompressFor} from '../recompress.js'
import type {TopicSettings} from '../topic-configs.js'

export const produceHandler = defineHandler({
  api: Produce,
  minServedVersion: 3,
  // Each batch is a view of the request until its append resolves, and the handler awaits every
  // append (acks=0 included); recompressed batches are new buffers.
  releasesRequestBytes: true,
  async handle(request, ctx) {
    const {broker, version} = ctx
    const acks = request.acks
    const validAcks = acks === 0 || acks === 1 || acks === -1
    const responses = await Promise.all(
      request.topicData.map(async (topicData) => ({
        name: topicData.name,
        partitionResponses: await Promise.all(
          topicData.partitionData.map((data) =>
            validAcks
              ? produceToPartition(broker, topicData.name, data.index, data.records, acks === -1, version)
              : failure(data.index, ErrorCode.INVALID_REQUIRED_ACKS),
          ),
        ),
      })),
    )
    if (acks === 0) {
      // The client reads no answer, so a failure can only be signalled by closing the connection.
      const failed = responses.some((topic) => topic.partitionResponses.some((partition) => partition.errorCode !== 0))
      if (failed) throw new CloseConnection('a produce request with acks=0 failed')
      return null
    }
    return {responses, throttleTimeMs: 0}
  },
})

function failure(index: number, errorCode: number, message?: string) {
  return {
    index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [],
    errorMessage: message ?? errorMessage(errorCode),
  }
}

async function produceToPartition(
  broker: BrokerCore,
  topicName: string,
  index: number,
  records: Buffer | null,
  durable: boolean,
  version: number,
) {
  const topic = broker.topics.get(topicName)
  const partition = topic?.partitions[index]
  if (!topic || !partition) return failure(index, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  const prepared = prepareBatch(records, topic.settings, `${topicName}-${index}`, version)
  if ('errorCode' in prepared) return failure(index, prepared.errorCode, prepared.message)
  const {batch, header} = prepared
  if (header.attributes & ATTR_TRANSACTIONAL) {
    // Kafka's transaction verification: the partition must be in the producer's open transaction.
    const refused = broker.transactions.verifyTransactionalProduce(header.producerId, header.producerEpoch, topicName, index)
    if (refused !== ErrorCode.NONE) return failure(index, refused)
  }

  try {
    if (header.producerId >= 0) {
      // Loaded once per partition (from its snapshot); then no waiting here.
      const producers = partition.log.loadedProducerState ?? (await partition.log.producerState())
      // From this check to the append nothing awaits: the log records the batch as it assigns its offsets.
      const sequence = checkSequence(producers.get(header.producerId), header)
      if (sequence.kind === 'error') return failure(index, sequence.errorCode, sequence.message)
      if (sequence.kind === 'duplicate') {
        // A retry of a batch already written: answer as the first time, write nothing.
        return {
          index, errorCode: ErrorCode.NONE, baseOffset: sequence.firstOffset, logAppendTimeMs: -1,
          logStartOffset: partition.logStartOffset, recordErrors: [], errorMessage: null,
        }
      }
    }
    writePartitionLeaderEpoch(batch, LEADER_EPOCH)
    const logAppendTimeMs = topic.settings.logAppendTime ? Date.now() : -1
    if (topic.settings.logAppendTime) stampLogAppendTime(batch, logAppendTimeMs)
    const {baseOffset} = await partition.append(batch, durable)
    return {
      index, errorCode: ErrorCode.NONE, baseOffset, logAppendTimeMs, logStartOffset: partition.logStartOffset,
      recordErrors: [], errorMessage: null,
    }
  } catch (error) {
    if (error instanceof KafkaError) return failure(index, error.code, error.message)
    broker.logger.error(`Append to ${topicName}-${index} failed: ${(error as Error).message}`)
    return failure(index, ErrorCode.KAFKA_STORAGE_ERROR)
  }
}

/**
 * Everything the topic asks of a batch before it is stored: Kafka's header checks, keys on a
 * compacted topic, the timestamp bounds, and the topic's compression.type.
 */
function prepareBatch(
  records: Buffer | null,
  settings: TopicSettings,
  partitionName: string,
  version: number,
): {batch: Buffer; header: BatchHeader} | RecordsProblem {
  const problem = validateProducedRecords(records, {
    maxMessageBytes: settings.maxMessageBytes,
    segmentBytes: settings.segmentBytes,
    version,
  })
  if (problem) return problem
  const received = records!
  if (settings.cleanupPolicy.includes('compact') && hasKeylessRecord(received))
    return {errorCode: ErrorCode.INVALID_RECORD, message: `Compacted topic cannot accept message without key in topic partition ${partitionName}.`}
  const header = readBatchHeader(received)
  if (!settings.logAppendTime) {
    const outside = timestampProblem(header, settings, Date.now())
    if (outside) return {errorCode: ErrorCode.INVALID_TIMESTAMP, message: outside}
  }
  try {
    const batch = recompressFor(settings.compressionType, received)
    return {batch, header: batch === received ? header : readBatchHeader(batch)}
  } catch (error) {
    return {errorCode: ErrorCode.CORRUPT_MESSAGE, message: (error as Error).message}
  }
}

/** Compaction keeps the newest value per key, so a compacted topic refuses records without one (Kafka's rule). */
function hasKeylessRecord(batch: Buffer): boolean {
  try {
    return decodeRecordBatch(batch).records.some((record) => record.key === null)
  } catch {
    return false // a codec the broker cannot open: stored as sent, like every other batch
  }
}

/**
 * message.timestamp.before/after.max.ms (Kafka 4 refuses records more than an hour in the future
 * by default). The header's first and largest timestamps bound the batch's records.
 */
function timestampProblem(header: BatchHeader, settings: TopicSettings, now: number): string | null {
  const earliest = now - settings.timestampBeforeMaxMs
  const latest = now + settings.timestampAfterMaxMs
  const outside = [header.baseTimestamp, header.maxTimestamp].find((ts) => ts >= 0 && (ts < earliest || ts > latest))
  if (outside === undefined) return null
  return `Timestamp ${outside} of message is out of range. The timestamp should be within [${Math.max(earliest, 0)}, ${latest}]`
}
