/**
 * DeleteAcls (API key 31): kbus speaks v1-3 (Kafka 4 dropped v0), flexible from v2.
 * Fields from Kafka's DeleteAclsRequest.json / DeleteAclsResponse.json.
 */
import {array, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DeleteAcls = defineApi({
  key: 31,
  name: 'DeleteAcls',
  minVersion: 1,
  maxVersion: 3,
  flexibleFrom: 2,
  request: struct({
    filters: array(struct({
      resourceTypeFilter: int8(),
      resourceNameFilter: string({nullable: '0+'}),
      patternTypeFilter: int8({default: 3}),
      principalFilter: string({nullable: '0+'}),
      hostFilter: string({nullable: '0+'}),
      operation: int8(),
      permissionType: int8(),
    })),
  }),
  response: struct({
    throttleTimeMs: int32(),
    filterResults: array(struct({
      errorCode: int16(),
      errorMessage: string({nullable: '0+'}),
      matchingAcls: array(struct({
        errorCode: int16(),
        errorMessage: string({nullable: '0+'}),
        resourceType: int8(),
        resourceName: string(),
        patternType: int8({default: 3}),
        principal: string(),
        host: string(),
        operation: int8(),
        permissionType: int8(),
      })),
    })),
  }),
})

export type DeleteAclsRequest = RequestOf<typeof DeleteAcls>
export type DeleteAclsResponse = ResponseOf<typeof DeleteAcls>
