/**
 * DescribeTransactions (65), v0 (kafka-transactions describe): kbus refuses transactional
 * producers, so no transactional id is ever known. Each id gets what Kafka's coordinator answers
 * for one it has no state for, TRANSACTIONAL_ID_NOT_FOUND, and the empty id INVALID_REQUEST.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeTransactions} from '../../protocol/messages/65-describe-transactions.js'
import {defineHandler} from '../handler.js'

export const describeTransactionsHandler = defineHandler({
  api: DescribeTransactions,
  async handle(request) {
    const transactionStates = request.transactionalIds.map((transactionalId) => ({
      errorCode: transactionalId === '' ? ErrorCode.INVALID_REQUEST : ErrorCode.TRANSACTIONAL_ID_NOT_FOUND,
      transactionalId,
      // The rest as Kafka leaves them in an error answer: its generated defaults.
      transactionState: '',
      transactionTimeoutMs: 0,
      transactionStartTimeMs: 0,
      producerId: 0,
      producerEpoch: 0,
      topics: [],
    }))
    return {throttleTimeMs: 0, transactionStates}
  },
})
