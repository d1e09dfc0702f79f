/**
 * AddOffsetsToTxn (API key 25): kbus speaks v0-4, flexible from v3.
 * Fields from Kafka's AddOffsetsToTxnRequest.json / AddOffsetsToTxnResponse.json.
 */
import {defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const AddOffsetsToTxn = defineApi({
  key: 25,
  name: 'AddOffsetsToTxn',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: struct({
    transactionalId: string(),
    producerId: int64(),
    producerEpoch: int16(),
    groupId: string(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
  }),
})

export type AddOffsetsToTxnRequest = RequestOf<typeof AddOffsetsToTxn>
export type AddOffsetsToTxnResponse = ResponseOf<typeof AddOffsetsToTxn>
