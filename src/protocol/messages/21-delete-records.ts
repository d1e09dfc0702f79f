/**
 * DeleteRecords (API key 21): kbus speaks v0-2, flexible from v2.
 * Fields from Kafka's DeleteRecordsRequest.json / DeleteRecordsResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DeleteRecords = defineApi({
  key: 21,
  name: 'DeleteRecords',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: struct({
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        offset: int64(),
      })),
    })),
    timeoutMs: int32(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        lowWatermark: int64(),
        errorCode: int16(),
      })),
    })),
  }),
})

export type DeleteRecordsRequest = RequestOf<typeof DeleteRecords>
export type DeleteRecordsResponse = ResponseOf<typeof DeleteRecords>
