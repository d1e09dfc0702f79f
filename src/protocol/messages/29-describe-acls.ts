/**
 * DescribeAcls (API key 29): kbus speaks v1-3 (Kafka 4 dropped v0), flexible from v2.
 * Fields from Kafka's DescribeAclsRequest.json / DescribeAclsResponse.json.
 */
import {array, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeAcls = defineApi({
  key: 29,
  name: 'DescribeAcls',
  minVersion: 1,
  maxVersion: 3,
  flexibleFrom: 2,
  request: struct({
    resourceTypeFilter: int8(),
    resourceNameFilter: string({nullable: '0+'}),
    patternTypeFilter: int8({default: 3}),
    principalFilter: string({nullable: '0+'}),
    hostFilter: string({nullable: '0+'}),
    operation: int8(),
    permissionType: int8(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
    errorMessage: string({nullable: '0+'}),
    resources: array(struct({
      resourceType: int8(),
      resourceName: string(),
      patternType: int8({default: 3}),
      acls: array(struct({
        principal: string(),
        host: string(),
        operation: int8(),
        permissionType: int8(),
      })),
    })),
  }),
})

export type DescribeAclsRequest = RequestOf<typeof DescribeAcls>
export type DescribeAclsResponse = ResponseOf<typeof DescribeAcls>
