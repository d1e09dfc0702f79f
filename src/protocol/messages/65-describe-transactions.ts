/**
 * DescribeTransactions (API key 65): kbus speaks v0, flexible from v0.
 * Fields from Kafka's DescribeTransactionsRequest.json / DescribeTransactionsResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeTransactions = defineApi({
  key: 65,
  name: 'DescribeTransactions',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  request: struct({
    transactionalIds: array(string()),
  }),
  response: struct({
    throttleTimeMs: int32(),
    transactionStates: array(struct({
      errorCode: int16(),
      transactionalId: string(),
      transactionState: string(),
      transactionTimeoutMs: int32(),
      transactionStartTimeMs: int64(),
      producerId: int64(),
      producerEpoch: int16(),
      topics: array(struct({
        topic: string(),
        partitions: array(int32()),
      })),
    })),
  }),
})

export type DescribeTransactionsRequest = RequestOf<typeof DescribeTransactions>
export type DescribeTransactionsResponse = ResponseOf<typeof DescribeTransactions>
