/**
 * OffsetFetch (API key 9): kbus speaks v1-9, flexible from v6.
 * v10 (topic ids) is left out.
 * Fields from Kafka's OffsetFetchRequest.json / OffsetFetchResponse.json.
 */
import {array, bool, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const OffsetFetch = defineApi({
  key: 9,
  name: 'OffsetFetch',
  minVersion: 1,
  maxVersion: 9,
  flexibleFrom: 6,
  request: struct({
    groupId: string({v: '1-7'}),
    topics: array(struct({
      name: string(),
      partitionIndexes: array(int32()),
    }), {v: '1-7', nullable: '2-7'}),
    groups: array(struct({
      groupId: string(),
      memberId: string({v: '9+', nullable: '9+'}),
      memberEpoch: int32({v: '9+', default: -1}),
      topics: array(struct({
        name: string(),
        partitionIndexes: array(int32()),
      }), {nullable: '8+'}),
    }), {v: '8+'}),
    requireStable: bool({v: '7+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '3+'}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        committedOffset: int64(),
        committedLeaderEpoch: int32({v: '5-7', default: -1}),
        metadata: string({nullable: '1-7'}),
        errorCode: int16(),
      })),
    }), {v: '1-7'}),
    errorCode: int16({v: '2-7'}),
    groups: array(struct({
      groupId: string(),
      topics: array(struct({
        name: string(),
        partitions: array(struct({
          partitionIndex: int32(),
          committedOffset: int64(),
          committedLeaderEpoch: int32({default: -1}),
          metadata: string({nullable: '8+'}),
          errorCode: int16(),
        })),
      })),
      errorCode: int16(),
    }), {v: '8+'}),
  }),
})

export type OffsetFetchRequest = RequestOf<typeof OffsetFetch>
export type OffsetFetchResponse = ResponseOf<typeof OffsetFetch>
