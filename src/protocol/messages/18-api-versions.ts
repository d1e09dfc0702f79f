/**
 * ApiVersions (API key 18): kbus speaks v0-4, flexible from v3.
 * The response header is always v0, even when flexible (KIP-511); requests above v4 are
 * answered with encodeApiVersionsUnsupported() (headers.ts) without decoding the body.
 * Fields from Kafka's ApiVersionsRequest.json / ApiVersionsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ApiVersions = defineApi({
  key: 18,
  name: 'ApiVersions',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: struct({
    clientSoftwareName: string({v: '3+'}),
    clientSoftwareVersion: string({v: '3+'}),
  }),
  response: struct({
    errorCode: int16(),
    apiKeys: array(struct({
      apiKey: int16(),
      minVersion: int16(),
      maxVersion: int16(),
    })),
    throttleTimeMs: int32({v: '1+'}),
    supportedFeatures: array(struct({
      name: string(),
      minVersion: int16(),
      maxVersion: int16(),
    }), {v: '3+', tag: 0}),
    finalizedFeaturesEpoch: int64({v: '3+', tag: 1, default: -1}),
    finalizedFeatures: array(struct({
      name: string(),
      maxVersionLevel: int16(),
      minVersionLevel: int16(),
    }), {v: '3+', tag: 2}),
    zkMigrationReady: bool({v: '3+', tag: 3}),
  }),
})

export type ApiVersionsRequest = RequestOf<typeof ApiVersions>
export type ApiVersionsResponse = ResponseOf<typeof ApiVersions>
