/**
 * DescribeProducers (API key 61): kbus speaks v0, flexible from v0.
 * Fields from Kafka's DescribeProducersRequest.json / DescribeProducersResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeProducers = defineApi({
  key: 61,
  name: 'DescribeProducers',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  request: struct({
    topics: array(struct({
      name: string(),
      partitionIndexes: array(int32()),
    })),
  }),
  response: struct({
    throttleTimeMs: int32(),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        errorCode: int16(),
        errorMessage: string({nullable: '0+', default: null}),
        activeProducers: array(struct({
          producerId: int64(),
          producerEpoch: int32(),
          lastSequence: int32({default: -1}),
          lastTimestamp: int64({default: -1}),
          coordinatorEpoch: int32(),
          currentTxnStartOffset: int64({default: -1}),
        })),
      })),
    })),
  }),
})

export type DescribeProducersRequest = RequestOf<typeof DescribeProducers>
export type DescribeProducersResponse = ResponseOf<typeof DescribeProducers>
