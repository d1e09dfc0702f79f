/**
 * OffsetCommit (API key 8): kbus speaks v2-9, flexible from v8.
 * v10 (topic ids) is left out.
 * Fields from Kafka's OffsetCommitRequest.json / OffsetCommitResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const OffsetCommit = defineApi({
  key: 8,
  name: 'OffsetCommit',
  minVersion: 2,
  maxVersion: 9,
  flexibleFrom: 8,
  request: struct({
    groupId: string(),
    generationIdOrMemberEpoch: int32({default: -1}),
    memberId: string(),
    groupInstanceId: string({v: '7+', nullable: '7+'}),
    retentionTimeMs: int64({v: '2-4', default: -1}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        committedOffset: int64(),
        committedLeaderEpoch: int32({v: '6+', default: -1}),
        committedMetadata: string({nullable: '2+'}),
      })),
    })),
  }),
  response: struct({
    throttleTimeMs: int32({v: '3+'}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        errorCode: int16(),
      })),
    })),
  }),
})

export type OffsetCommitRequest = RequestOf<typeof OffsetCommit>
export type OffsetCommitResponse = ResponseOf<typeof OffsetCommit>
