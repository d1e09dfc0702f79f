/**
 * ListTransactions (66), v0-2 (kafka-transactions list): every transactional id the coordinator
 * knows, filtered by state, producer id, how long the transaction has been open (v1) and a
 * regular expression over the id (v2), as Kafka's coordinator filters. State names Kafka does not
 * know are echoed back in unknownStateFilters.
 */
import {ListTransactions} from '../../protocol/messages/66-list-transactions.js'
import {defineHandler} from '../handler.js'

export const listTransactionsHandler = defineHandler({
  api: ListTransactions,
  async handle(request, ctx) {
    const {errorCode, unknownStates, transactions} = ctx.broker.transactions.list({
      states: request.stateFilters,
      producerIds: request.producerIdFilters,
      minDurationMs: request.durationFilter,
      transactionalIdPattern: request.transactionalIdPattern,
    })
    return {
      throttleTimeMs: 0,
      errorCode,
      unknownStateFilters: unknownStates,
      transactionStates: transactions.map(({transactionalId, producerId, state}) => ({transactionalId, producerId, transactionState: state})),
    }
  },
})
