/**
 * DeleteGroups (API key 42): kbus speaks v0-2, flexible from v2.
 * Fields from Kafka's DeleteGroupsRequest.json / DeleteGroupsResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DeleteGroups = defineApi({
  key: 42,
  name: 'DeleteGroups',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: struct({
    groupsNames: array(string()),
  }),
  response: struct({
    throttleTimeMs: int32(),
    results: array(struct({
      groupId: string(),
      errorCode: int16(),
    })),
  }),
})

export type DeleteGroupsRequest = RequestOf<typeof DeleteGroups>
export type DeleteGroupsResponse = ResponseOf<typeof DeleteGroups>
