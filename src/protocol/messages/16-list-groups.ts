/**
 * ListGroups (API key 16): kbus speaks v0-5, flexible from v3.
 * Fields from Kafka's ListGroupsRequest.json / ListGroupsResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ListGroups = defineApi({
  key: 16,
  name: 'ListGroups',
  minVersion: 0,
  maxVersion: 5,
  flexibleFrom: 3,
  request: struct({
    statesFilter: array(string(), {v: '4+'}),
    typesFilter: array(string(), {v: '5+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '1+'}),
    errorCode: int16(),
    groups: array(struct({
      groupId: string(),
      protocolType: string(),
      groupState: string({v: '4+'}),
      groupType: string({v: '5+'}),
    })),
  }),
})

export type ListGroupsRequest = RequestOf<typeof ListGroups>
export type ListGroupsResponse = ResponseOf<typeof ListGroups>
