/**
 * JoinGroup (API key 11): kbus speaks v0-9, flexible from v6.
 * Kafka's wrapper maps a null ProtocolName to "" below v7: handlers answer "" there.
 * Fields from Kafka's JoinGroupRequest.json / JoinGroupResponse.json.
 */
import {array, bool, bytes, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const JoinGroup = defineApi({
  key: 11,
  name: 'JoinGroup',
  minVersion: 0,
  maxVersion: 9,
  flexibleFrom: 6,
  request: struct({
    groupId: string(),
    sessionTimeoutMs: int32(),
    rebalanceTimeoutMs: int32({v: '1+', default: -1}),
    memberId: string(),
    groupInstanceId: string({v: '5+', nullable: '5+'}),
    protocolType: string(),
    protocols: array(struct({
      name: string(),
      metadata: bytes(),
    })),
    reason: string({v: '8+', nullable: '8+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '2+'}),
    errorCode: int16(),
    generationId: int32({default: -1}),
    protocolType: string({v: '7+', nullable: '7+'}),
    protocolName: string({nullable: '7+'}),
    leader: string(),
    skipAssignment: bool({v: '9+'}),
    memberId: string(),
    members: array(struct({
      memberId: string(),
      groupInstanceId: string({v: '5+', nullable: '5+'}),
      metadata: bytes(),
    })),
  }),
})

export type JoinGroupRequest = RequestOf<typeof JoinGroup>
export type JoinGroupResponse = ResponseOf<typeof JoinGroup>
