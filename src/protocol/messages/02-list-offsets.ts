/**
 * ListOffsets (API key 2): kbus speaks v1-10, flexible from v6.
 * v11 is left out (it only adds a new special timestamp).
 * Fields from Kafka's ListOffsetsRequest.json / ListOffsetsResponse.json.
 */
import {array, defineApi, int16, int32, int64, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ListOffsets = defineApi({
  key: 2,
  name: 'ListOffsets',
  minVersion: 1,
  maxVersion: 10,
  flexibleFrom: 6,
  request: struct({
    replicaId: int32(),
    isolationLevel: int8({v: '2+'}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        currentLeaderEpoch: int32({v: '4+', default: -1}),
        timestamp: int64(),
      })),
    })),
    timeoutMs: int32({v: '10+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '2+'}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        errorCode: int16(),
        timestamp: int64({default: -1}),
        offset: int64({default: -1}),
        leaderEpoch: int32({v: '4+', default: -1}),
      })),
    })),
  }),
})

export type ListOffsetsRequest = RequestOf<typeof ListOffsets>
export type ListOffsetsResponse = ResponseOf<typeof ListOffsets>
