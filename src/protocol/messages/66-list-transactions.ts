/**
 * ListTransactions (API key 66): kbus speaks v0-2, flexible from v0.
 * Fields from Kafka's ListTransactionsRequest.json / ListTransactionsResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ListTransactions = defineApi({
  key: 66,
  name: 'ListTransactions',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 0,
  request: struct({
    stateFilters: array(string()),
    producerIdFilters: array(int64()),
    durationFilter: int64({v: '1+', default: -1}),
    transactionalIdPattern: string({v: '2+', nullable: '2+', default: null}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
    unknownStateFilters: array(string()),
    transactionStates: array(struct({
      transactionalId: string(),
      producerId: int64(),
      transactionState: string(),
    })),
  }),
})

export type ListTransactionsRequest = RequestOf<typeof ListTransactions>
export type ListTransactionsResponse = ResponseOf<typeof ListTransactions>
