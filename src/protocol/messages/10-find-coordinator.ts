/**
 * FindCoordinator (API key 10): kbus speaks v0-6, flexible from v3.
 * Fields from Kafka's FindCoordinatorRequest.json / FindCoordinatorResponse.json.
 */
import {array, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const FindCoordinator = defineApi({
  key: 10,
  name: 'FindCoordinator',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 3,
  request: struct({
    key: string({v: '0-3'}),
    keyType: int8({v: '1+'}),
    coordinatorKeys: array(string(), {v: '4+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    errorCode: int16({v: '0-3'}),
    errorMessage: string({v: '1-3', nullable: '1-3'}),
    nodeId: int32({v: '0-3'}),
    host: string({v: '0-3'}),
    port: int32({v: '0-3'}),
    coordinators: array(struct({
      key: string(),
      nodeId: int32(),
      host: string(),
      port: int32(),
      errorCode: int16(),
      errorMessage: string({nullable: '4+'}),
    }), {v: '4+'}),
  }),
})

export type FindCoordinatorRequest = RequestOf<typeof FindCoordinator>
export type FindCoordinatorResponse = ResponseOf<typeof FindCoordinator>
