/**
 * DescribeGroups (API key 15): kbus speaks v0-6, flexible from v5.
 * Fields from Kafka's DescribeGroupsRequest.json / DescribeGroupsResponse.json.
 */
import {array, bool, bytes, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeGroups = defineApi({
  key: 15,
  name: 'DescribeGroups',
  minVersion: 0,
  maxVersion: 6,
  flexibleFrom: 5,
  request: struct({
    groups: array(string()),
    includeAuthorizedOperations: bool({v: '3+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    groups: array(struct({
      errorCode: int16(),
      errorMessage: string({v: '6+', nullable: '6+'}),
      groupId: string(),
      groupState: string(),
      protocolType: string(),
      protocolData: string(),
      members: array(struct({
        memberId: string(),
        groupInstanceId: string({v: '4+', nullable: '4+'}),
        clientId: string(),
        clientHost: string(),
        memberMetadata: bytes(),
        memberAssignment: bytes(),
      })),
      authorizedOperations: int32({v: '3+', default: -2147483648}),
    })),
  }),
})

export type DescribeGroupsRequest = RequestOf<typeof DescribeGroups>
export type DescribeGroupsResponse = ResponseOf<typeof DescribeGroups>
