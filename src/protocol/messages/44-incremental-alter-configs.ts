/**
 * IncrementalAlterConfigs (API key 44): kbus speaks v0-1, flexible from v1.
 * Fields from Kafka's IncrementalAlterConfigsRequest.json / IncrementalAlterConfigsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const IncrementalAlterConfigs = defineApi({
  key: 44,
  name: 'IncrementalAlterConfigs',
  minVersion: 0,
  maxVersion: 1,
  flexibleFrom: 1,
  request: struct({
    resources: array(struct({
      resourceType: int8(),
      resourceName: string(),
      configs: array(struct({
        name: string(),
        configOperation: int8(),
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

export type IncrementalAlterConfigsRequest = RequestOf<typeof IncrementalAlterConfigs>
export type IncrementalAlterConfigsResponse = ResponseOf<typeof IncrementalAlterConfigs>
