/**
 * EndTxn (API key 26): kbus speaks v0-4, flexible from v3.
 * v5 bumps the epoch on every transaction (KIP-890 part 2, transaction.version 2); kbus runs the
 * TV1 protocol, which Kafka's clients cap at v4, so v5 is left out.
 * Fields from Kafka's EndTxnRequest.json / EndTxnResponse.json.
 */
import {bool, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const EndTxn = defineApi({
  key: 26,
  name: 'EndTxn',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: struct({
    transactionalId: string(),
    producerId: int64(),
    producerEpoch: int16(),
    committed: bool(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
  }),
})

export type EndTxnRequest = RequestOf<typeof EndTxn>
export type EndTxnResponse = ResponseOf<typeof EndTxn>
