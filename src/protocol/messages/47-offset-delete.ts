/**
 * OffsetDelete (API key 47): kbus speaks v0, never flexible.
 * Fields from Kafka's OffsetDeleteRequest.json / OffsetDeleteResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const OffsetDelete = defineApi({
  key: 47,
  name: 'OffsetDelete',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: null,
  request: struct({
    groupId: string(),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
      })),
    })),
  }),
  response: struct({
    errorCode: int16(),
    throttleTimeMs: int32(),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        errorCode: int16(),
      })),
    })),
  }),
})

export type OffsetDeleteRequest = RequestOf<typeof OffsetDelete>
export type OffsetDeleteResponse = ResponseOf<typeof OffsetDelete>
