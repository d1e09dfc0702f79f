/**
 * DeleteRecords (21), v0-2: moves a partition's log start offset forward (kafka-delete-records).
 * Offset -1 means the high watermark. Records below the new start are gone for every reader;
 * whole segments below it are deleted at once.
 */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {DeleteRecords} from '../../protocol/messages/21-delete-records.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'

const HIGH_WATERMARK = -1

export const deleteRecordsHandler = defineHandler({
  api: DeleteRecords,
  async handle(request, ctx) {
    const topics = []
    for (const wanted of request.topics) {
      const partitions = []
      for (const {partitionIndex, offset} of wanted.partitions)
        partitions.push(await deleteBefore(ctx.broker, wanted.name, partitionIndex, offset))
      topics.push({name: wanted.name, partitions})
    }
    return {throttleTimeMs: 0, topics}
  },
})

async function deleteBefore(broker: BrokerCore, topicName: string, partitionIndex: number, offset: number) {
  const answer = (errorCode: number, lowWatermark = -1) => ({partitionIndex, lowWatermark, errorCode})
  const topic = broker.topics.get(topicName)
  const partition = topic?.partitions[partitionIndex]
  if (!topic || !partition) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  if (!topic.settings.cleanupPolicy.includes('delete')) return answer(ErrorCode.POLICY_VIOLATION)
  const target = offset === HIGH_WATERMARK ? partition.highWatermark : offset
  if (target < 0 || target > partition.highWatermark) return answer(ErrorCode.OFFSET_OUT_OF_RANGE)
  try {
    return answer(ErrorCode.NONE, await partition.log.deleteRecordsBefore(target))
  } catch (error) {
    if (error instanceof KafkaError) return answer(error.code)
    const code = (error as {code?: unknown}).code
    return answer(typeof code === 'number' ? code : ErrorCode.KAFKA_STORAGE_ERROR)
  }
}
