/**
 * ListTransactions (66), v0-2 (kafka-transactions list): kbus refuses transactional producers, so
 * there is never a transaction to list. State filters Kafka does not know are echoed back in
 * unknownStateFilters, as its transaction coordinator does.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {ListTransactions} from '../../protocol/messages/66-list-transactions.js'
import {defineHandler} from '../handler.js'

/** The states Kafka's transaction coordinator recognises in a filter. */
const TRANSACTION_STATES = new Set(['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'])

export const listTransactionsHandler = defineHandler({
  api: ListTransactions,
  async handle(request) {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      unknownStateFilters: request.stateFilters.filter((state) => !TRANSACTION_STATES.has(state)),
      transactionStates: [],
    }
  },
})
