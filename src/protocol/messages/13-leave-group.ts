/**
 * LeaveGroup (API key 13): kbus speaks v0-5, flexible from v4.
 * Fields from Kafka's LeaveGroupRequest.json / LeaveGroupResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const LeaveGroup = defineApi({
  key: 13,
  name: 'LeaveGroup',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 4,
  request: struct({
    groupId: string(),
    memberId: string({v: '0-2'}),
    members: array(struct({
      memberId: string(),
      groupInstanceId: string({nullable: '3+'}),
      reason: string({v: '5+', nullable: '5+'}),
    }), {v: '3+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    errorCode: int16(),
    members: array(struct({
      memberId: string(),
      groupInstanceId: string({nullable: '3+'}),
      errorCode: int16(),
    }), {v: '3+'}),
  }),
})

export type LeaveGroupRequest = RequestOf<typeof LeaveGroup>
export type LeaveGroupResponse = ResponseOf<typeof LeaveGroup>
