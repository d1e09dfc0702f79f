/**
 * AddPartitionsToTxn (24), v0-3: a transactional producer adds the partitions it is about to
 * write to. If any partition does not exist, none is added: those get UNKNOWN_TOPIC_OR_PARTITION
 * and the rest OPERATION_NOT_ATTEMPTED, as Kafka answers. Otherwise the coordinator's answer
 * holds for every partition.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {AddPartitionsToTxn} from '../../protocol/messages/24-add-partitions-to-txn.js'
import {defineHandler} from '../handler.js'
import {fencedForVersion} from '../transactions/client-errors.js'

export const addPartitionsToTxnHandler = defineHandler({
  api: AddPartitionsToTxn,
  async handle(request, ctx) {
    const topics = request.v3AndBelowTopics
    const answer = (errorCodeOf: (topic: string, partition: number) => number) => ({
      throttleTimeMs: 0,
      resultsByTopicV3AndBelow: topics.map(({name, partitions}) => ({
        name,
        resultsByPartition: partitions.map((partitionIndex) => ({partitionIndex, partitionErrorCode: errorCodeOf(name, partitionIndex)})),
      })),
    })
    const exists = (topic: string, partition: number) => ctx.broker.topics.get(topic)?.partitions[partition] !== undefined
    if (topics.some(({name, partitions}) => partitions.some((partition) => !exists(name, partition))))
      return answer((topic, partition) => (exists(topic, partition) ? ErrorCode.OPERATION_NOT_ATTEMPTED : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION))
    const errorCode = await ctx.broker.transactions.addPartitions(
      request.v3AndBelowTransactionalId,
      request.v3AndBelowProducerId,
      request.v3AndBelowProducerEpoch,
      topics.flatMap(({name, partitions}) => partitions.map((partition) => ({topic: name, partition}))),
    )
    const answered = fencedForVersion(errorCode, ctx.version >= 2)
    return answer(() => answered)
  },
})
