/**
 * InitProducerId (API key 22): kbus speaks v0-5, flexible from v2.
 * v6 (two-phase commit, unstable in Kafka) is left out.
 * Fields from Kafka's InitProducerIdRequest.json / InitProducerIdResponse.json.
 */
import {defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const InitProducerId = defineApi({
  key: 22,
  name: 'InitProducerId',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 2,
  request: struct({
    transactionalId: string({nullable: '0+'}),
    transactionTimeoutMs: int32(),
    producerId: int64({v: '3+', default: -1}),
    producerEpoch: int16({v: '3+', default: -1}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
    producerId: int64({default: -1}),
    producerEpoch: int16(),
  }),
})

export type InitProducerIdRequest = RequestOf<typeof InitProducerId>
export type InitProducerIdResponse = ResponseOf<typeof InitProducerId>
