/**
 * ListOffsets (2), v1-10. Special timestamps: -1 latest (the high watermark, or for
 * read_committed the last stable offset), -2 earliest, -3 the first record carrying the
 * largest timestamp (v7+), -4 earliest local (= earliest, nothing is tiered), -5 latest tiered
 * and -6 earliest pending upload (nothing is tiered: -1). A real timestamp finds the first
 * record stamped at or after it.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {ListOffsets} from '../../protocol/messages/02-list-offsets.js'
import {decodeRecordBatch} from '../../protocol/records.js'
import {defineHandler} from '../handler.js'
import {LEADER_EPOCH, type Partition} from '../partition.js'

const LATEST = -1
const EARLIEST = -2
const MAX_TIMESTAMP = -3
const EARLIEST_LOCAL = -4

export const listOffsetsHandler = defineHandler({
  api: ListOffsets,
  async handle(request, ctx) {
    const topics = []
    for (const wanted of request.topics) {
      const topic = ctx.broker.topics.get(wanted.name)
      const partitions = []
      for (const {partitionIndex, currentLeaderEpoch, timestamp} of wanted.partitions) {
        const partition = topic?.partitions[partitionIndex]
        if (!partition) {
          partitions.push(answer(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
        } else if (currentLeaderEpoch >= 0 && currentLeaderEpoch !== LEADER_EPOCH) {
          const code = currentLeaderEpoch < LEADER_EPOCH ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
          partitions.push(answer(partitionIndex, code))
        } else {
          const found = await lookUp(partition, timestamp, request.isolationLevel === 1)
          partitions.push(answer(partitionIndex, ErrorCode.NONE, found.offset, found.timestamp))
        }
      }
      topics.push({name: wanted.name, partitions})
    }
    return {throttleTimeMs: 0, topics}
  },
})

function answer(partitionIndex: number, errorCode: number, offset = -1, timestamp = -1) {
  return {partitionIndex, errorCode, timestamp, offset, leaderEpoch: errorCode === ErrorCode.NONE ? LEADER_EPOCH : -1}
}

async function lookUp(partition: Partition, timestamp: number, readCommitted: boolean): Promise<{offset: number; timestamp: number}> {
  switch (timestamp) {
    case LATEST:
      return {offset: readCommitted ? await partition.lastStableOffset() : partition.highWatermark, timestamp: -1}
    case EARLIEST:
    case EARLIEST_LOCAL:
      return {offset: partition.logStartOffset, timestamp: -1}
    case MAX_TIMESTAMP: {
      // The log knows the batch with the largest timestamp; Kafka (KIP-734) answers the first
      // record carrying it, which is the first record at or after that time.
      const max = await partition.log.maxTimestampEntry()
      if (!max) return {offset: -1, timestamp: -1}
      return (await firstAtOrAfter(partition, max.timestamp)) ?? max
    }
    default:
      if (timestamp < 0) return {offset: -1, timestamp: -1}
      return (await firstAtOrAfter(partition, timestamp)) ?? {offset: -1, timestamp: -1}
  }
}

/** The log finds the first batch that reaches `target`; the record inside it is found here. */
async function firstAtOrAfter(partition: Partition, target: number) {
  const found = await partition.log.offsetForTimestamp(target)
  if (!found || found.offset >= partition.highWatermark) return null
  try {
    for (const record of decodeRecordBatch(found.batch).records) {
      if (record.timestamp >= target) return {offset: record.offset, timestamp: record.timestamp}
    }
  } catch {
    // A codec kbus cannot open: the batch itself is the closest honest answer.
  }
  return {offset: found.offset, timestamp: found.timestamp}
}
