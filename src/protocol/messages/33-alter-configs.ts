/**
 * AlterConfigs (API key 33): kbus speaks v0-2, flexible from v2.
 * Fields from Kafka's AlterConfigsRequest.json / AlterConfigsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const AlterConfigs = defineApi({
  key: 33,
  name: 'AlterConfigs',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: struct({
    resources: array(struct({
      resourceType: int8(),
      resourceName: string(),
      configs: array(struct({
        name: string(),
        value: string({nullable: '0+'}),
      })),
    })),
    validateOnly: bool(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    responses: array(struct({
      errorCode: int16(),
      errorMessage: string({nullable: '0+'}),
      resourceType: int8(),
      resourceName: string(),
    })),
  }),
})

export type AlterConfigsRequest = RequestOf<typeof AlterConfigs>
export type AlterConfigsResponse = ResponseOf<typeof AlterConfigs>
