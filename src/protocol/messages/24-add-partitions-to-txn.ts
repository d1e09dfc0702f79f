/**
 * AddPartitionsToTxn (API key 24): kbus speaks v0-3, flexible from v3.
 * v4+ batches transactions for broker-to-broker verification (KIP-890): clients never send it,
 * so it is left out. Fields from Kafka's AddPartitionsToTxnRequest.json / AddPartitionsToTxnResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const AddPartitionsToTxn = defineApi({
  key: 24,
  name: 'AddPartitionsToTxn',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 3,
  request: struct({
    v3AndBelowTransactionalId: string(),
    v3AndBelowProducerId: int64(),
    v3AndBelowProducerEpoch: int16(),
    v3AndBelowTopics: array(struct({
      name: string(),
      partitions: array(int32()),
    })),
  }),
  response: struct({
    throttleTimeMs: int32(),
    resultsByTopicV3AndBelow: array(struct({
      name: string(),
      resultsByPartition: array(struct({
        partitionIndex: int32(),
        partitionErrorCode: int16(),
      })),
    })),
  }),
})

export type AddPartitionsToTxnRequest = RequestOf<typeof AddPartitionsToTxn>
export type AddPartitionsToTxnResponse = ResponseOf<typeof AddPartitionsToTxn>
