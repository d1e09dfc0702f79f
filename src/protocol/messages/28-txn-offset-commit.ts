/**
 * TxnOffsetCommit (API key 28): kbus speaks v0-4, flexible from v3.
 * v5 also adds the group to the transaction (KIP-890 part 2, transaction.version 2); kbus runs
 * the TV1 protocol, which Kafka's clients cap at v4, so v5 is left out.
 * Fields from Kafka's TxnOffsetCommitRequest.json / TxnOffsetCommitResponse.json.
 */
import {array, defineApi, int16, int32, int64, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const TxnOffsetCommit = defineApi({
  key: 28,
  name: 'TxnOffsetCommit',
  minVersion: 0,
  maxVersion: 4,
  flexibleFrom: 3,
  request: struct({
    transactionalId: string(),
    groupId: string(),
    producerId: int64(),
    producerEpoch: int16(),
    generationId: int32({v: '3+', default: -1}),
    memberId: string({v: '3+', default: ''}),
    groupInstanceId: string({v: '3+', nullable: '3+', default: null}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        committedOffset: int64(),
        committedLeaderEpoch: int32({v: '2+', default: -1}),
        committedMetadata: string({nullable: '0+'}),
      })),
    })),
  }),
  response: struct({
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

export type TxnOffsetCommitRequest = RequestOf<typeof TxnOffsetCommit>
export type TxnOffsetCommitResponse = ResponseOf<typeof TxnOffsetCommit>
