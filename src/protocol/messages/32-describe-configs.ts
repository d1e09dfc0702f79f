/**
 * DescribeConfigs (API key 32): kbus speaks v1-4, flexible from v4.
 * Fields from Kafka's DescribeConfigsRequest.json / DescribeConfigsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeConfigs = defineApi({
  key: 32,
  name: 'DescribeConfigs',
  minVersion: 1,
  maxVersion: 4,
  flexibleFrom: 4,
  request: struct({
    resources: array(struct({
      resourceType: int8(),
      resourceName: string(),
      configurationKeys: array(string(), {nullable: '1+'}),
    })),
    includeSynonyms: bool(),
    includeDocumentation: bool({v: '3+'}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    results: array(struct({
      errorCode: int16(),
      errorMessage: string({nullable: '1+'}),
      resourceType: int8(),
      resourceName: string(),
      configs: array(struct({
        name: string(),
        value: string({nullable: '1+'}),
        readOnly: bool(),
        configSource: int8({default: -1}),
        isSensitive: bool(),
        synonyms: array(struct({
          name: string(),
          value: string({nullable: '1+'}),
          source: int8(),
        })),
        configType: int8({v: '3+'}),
        documentation: string({v: '3+', nullable: '3+'}),
      })),
    })),
  }),
})

export type DescribeConfigsRequest = RequestOf<typeof DescribeConfigs>
export type DescribeConfigsResponse = ResponseOf<typeof DescribeConfigs>
