/**
 * DescribeTransactions (65), v0 (kafka-transactions describe): each transactional id's state as
 * Kafka's coordinator shows it, its partitions including the __consumer_offsets partition of
 * each group in the transaction. An unknown id gets TRANSACTIONAL_ID_NOT_FOUND, the empty id
 * INVALID_REQUEST.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeTransactions} from '../../protocol/messages/65-describe-transactions.js'
import {OFFSETS_TOPIC, offsetsPartitionFor} from '../groups/offset-log.js'
import {defineHandler} from '../handler.js'
import type {TransactionMetadata} from '../transactions/transaction-metadata.js'

export const describeTransactionsHandler = defineHandler({
  api: DescribeTransactions,
  async handle(request, ctx) {
    const topicsOf = (metadata: TransactionMetadata) => {
      const byTopic = new Map<string, number[]>()
      const add = (topic: string, partition: number) => {
        const partitions = byTopic.get(topic) ?? []
        if (!partitions.includes(partition)) partitions.push(partition)
        byTopic.set(topic, partitions)
      }
      for (const {topic, partition} of metadata.partitions) add(topic, partition)
      for (const groupId of metadata.groups) add(OFFSETS_TOPIC, offsetsPartitionFor(groupId, ctx.broker.config.offsetsTopicNumPartitions))
      return [...byTopic].map(([topic, partitions]) => ({topic, partitions}))
    }
    const transactionStates = request.transactionalIds.map((transactionalId) => {
      const metadata = transactionalId === '' ? undefined : ctx.broker.transactions.describe(transactionalId)
      if (!metadata) {
        return {
          errorCode: transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
          transactionalId,
          // The rest as Kafka leaves them in an error answer: its generated defaults.
          transactionState: '',
          transactionTimeoutMs: 0,
          transactionStartTimeMs: 0,
          producerId: 0,
          producerEpoch: 0,
          topics: [],
        }
      }
      return {
        errorCode: ErrorCode.NONE,
        transactionalId,
        transactionState: metadata.state,
        transactionTimeoutMs: metadata.timeoutMs,
        transactionStartTimeMs: metadata.startTimeMs,
        producerId: metadata.producerId,
        producerEpoch: metadata.producerEpoch,
        topics: topicsOf(metadata),
      }
    })
    return {throttleTimeMs: 0, transactionStates}
  },
})
