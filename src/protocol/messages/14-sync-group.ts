/**
 * SyncGroup (API key 14): kbus speaks v0-5, flexible from v4.
 * Fields from Kafka's SyncGroupRequest.json / SyncGroupResponse.json.
 */
import {array, bytes, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const SyncGroup = defineApi({
  key: 14,
  name: 'SyncGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: struct({
    groupId: string(),
    generationId: int32(),
    memberId: string(),
    groupInstanceId: string({v: '3+', nullable: '3+'}),
    protocolType: string({v: '5+', nullable: '5+'}),
    protocolName: string({v: '5+', nullable: '5+'}),
    assignments: array(struct({
      memberId: string(),
      assignment: bytes(),
    })),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    errorCode: int16(),
    protocolType: string({v: '5+', nullable: '5+'}),
    protocolName: string({v: '5+', nullable: '5+'}),
    assignment: bytes(),
  }),
})

export type SyncGroupRequest = RequestOf<typeof SyncGroup>
export type SyncGroupResponse = ResponseOf<typeof SyncGroup>
