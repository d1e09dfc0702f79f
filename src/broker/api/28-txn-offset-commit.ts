/**
 * TxnOffsetCommit (28), v0-4: offsets consumed inside a transaction, staged in it and committed
 * to the group only when it commits. Partitions that do not exist get UNKNOWN_TOPIC_OR_PARTITION,
 * the rest the coordinator's answer.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {TxnOffsetCommit} from '../../protocol/messages/28-txn-offset-commit.js'
import {defineHandler} from '../handler.js'
import {abortableForVersion} from '../transactions/client-errors.js'

export const txnOffsetCommitHandler = defineHandler({
  api: TxnOffsetCommit,
  async handle(request, ctx) {
    // Decided once, so the coordinator's answers line up with the partitions they were asked for.
    const known = request.topics.map(({name, partitions}) =>
      partitions.map(({partitionIndex}) => ctx.broker.topics.get(name)?.partitions[partitionIndex] !== undefined))
    const offsets = request.topics.flatMap(({name, partitions}, t) =>
      partitions
        .filter((_, p) => known[t][p])
        .map((p) => ({topic: name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch, metadata: p.committedMetadata})))
    const codes = offsets.length === 0 ? [] : await ctx.broker.transactions.txnOffsetCommit({
      transactionalId: request.transactionalId,
      producerId: request.producerId,
      producerEpoch: request.producerEpoch,
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      offsets,
    })
    let next = 0
    return {
      throttleTimeMs: 0,
      topics: request.topics.map(({name, partitions}, t) => ({
        name,
        partitions: partitions.map(({partitionIndex}, p) => ({
          partitionIndex,
          errorCode: known[t][p] ? abortableForVersion(codes[next++], ctx.version >= 4) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      })),
    }
  },
})
