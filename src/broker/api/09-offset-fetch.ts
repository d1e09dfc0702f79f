/**
 * OffsetFetch (9), v1-9: one group up to v7 (all its offsets when topics is null, v2+), a batch
 * of groups from v8. A partition without a committed offset answers -1. With requireStable (v7+,
 * what a read_committed Java consumer sends), a partition whose offset an open transaction is
 * about to commit answers UNSTABLE_OFFSET_COMMIT, which the consumer retries.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {OffsetFetch} from '../../protocol/messages/09-offset-fetch.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'

export const offsetFetchHandler = defineHandler({
  api: OffsetFetch,
  async handle(request, ctx) {
    const {broker} = ctx
    const committed = (groupId: string, topics: {name: string; partitionIndexes: number[]}[] | null) => {
      const answer = broker.groups.committed(groupId, topics)
      return request.requireStable ? unstableMarked(broker, groupId, answer) : answer
    }
    if (ctx.version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((group) => ({groupId: group.groupId, topics: committed(group.groupId, group.topics), errorCode: ErrorCode.NONE})),
      }
    }
    return {throttleTimeMs: 0, topics: committed(request.groupId, request.topics), errorCode: ErrorCode.NONE}
  },
})

type Committed = ReturnType<BrokerCore['groups']['committed']>

function unstableMarked(broker: BrokerCore, groupId: string, topics: Committed): Committed {
  return topics.map((topic) => ({
    ...topic,
    partitions: topic.partitions.map((partition) =>
      broker.transactions.hasPendingOffsets(groupId, topic.name, partition.partitionIndex)
        ? {...partition, committedOffset: -1, errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT}
        : partition,
    ),
  }))
}
