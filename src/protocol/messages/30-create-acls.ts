/**
 * CreateAcls (API key 30): kbus speaks v1-3 (Kafka 4 dropped v0), flexible from v2.
 * Fields from Kafka's CreateAclsRequest.json / CreateAclsResponse.json.
 */
import {array, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const CreateAcls = defineApi({
  key: 30,
  name: 'CreateAcls',
  minVersion: 1,
  maxVersion: 3,
  flexibleFrom: 2,
  request: struct({
    creations: array(struct({
      resourceType: int8(),
      resourceName: string(),
      resourcePatternType: int8({default: 3}),
      principal: string(),
      host: string(),
      operation: int8(),
      permissionType: int8(),
    })),
  }),
  response: struct({
    throttleTimeMs: int32(),
    results: array(struct({
      errorCode: int16(),
      errorMessage: string({nullable: '0+'}),
    })),
  }),
})

export type CreateAclsRequest = RequestOf<typeof CreateAcls>
export type CreateAclsResponse = ResponseOf<typeof CreateAcls>
