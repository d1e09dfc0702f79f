/**
 * Heartbeat (API key 12): kbus speaks v0-4, flexible from v4.
 * Fields from Kafka's HeartbeatRequest.json / HeartbeatResponse.json.
 */
import {defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const Heartbeat = defineApi({
  key: 12,
  name: 'Heartbeat',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 4,
  request: struct({
    groupId: string(),
    generationId: int32(),
    memberId: string(),
    groupInstanceId: string({v: '3+', nullable: '3+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    errorCode: int16(),
  }),
})

export type HeartbeatRequest = RequestOf<typeof Heartbeat>
export type HeartbeatResponse = ResponseOf<typeof Heartbeat>
