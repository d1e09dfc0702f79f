/**
 * Fetch (API key 1): kbus speaks v4-12, flexible from v12.
 * v13+ address topics by id and are left out until topic ids are wired through.
 * Fields from Kafka's FetchRequest.json / FetchResponse.json.
 */
import {array, defineApi, int16, int32, int64, int8, records, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const Fetch = defineApi({
  key: 1,
  name: 'Fetch',
  minVersion: 4,
  maxVersion: 12,
  flexibleFrom: 12,
  request: struct({
    clusterId: string({v: '12+', nullable: '12+', tag: 0}),
    replicaId: int32({default: -1}),
    maxWaitMs: int32(),
    minBytes: int32(),
    maxBytes: int32({default: 2147483647}),
    isolationLevel: int8(),
    sessionId: int32({v: '7+'}),
    sessionEpoch: int32({v: '7+', default: -1}),
    topics: array(struct({
      topic: string(),
      partitions: array(struct({
        partition: int32(),
        currentLeaderEpoch: int32({v: '9+', default: -1}),
        fetchOffset: int64(),
        lastFetchedEpoch: int32({v: '12+', default: -1}),
        logStartOffset: int64({v: '5+', default: -1}),
        partitionMaxBytes: int32(),
      })),
    })),
    forgottenTopicsData: array(struct({
      topic: string(),
      partitions: array(int32()),
    }), {v: '7+'}),
    rackId: string({v: '11+'}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16({v: '7+'}),
    sessionId: int32({v: '7+'}),
    responses: array(struct({
      topic: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        errorCode: int16(),
        highWatermark: int64(),
        lastStableOffset: int64({default: -1}),
        logStartOffset: int64({v: '5+', default: -1}),
        divergingEpoch: struct({
          epoch: int32({default: -1}),
          endOffset: int64({default: -1}),
        }, {v: '12+', tag: 0}),
        currentLeader: struct({
          leaderId: int32({default: -1}),
          leaderEpoch: int32({default: -1}),
        }, {v: '12+', tag: 1}),
        snapshotId: struct({
          endOffset: int64({default: -1}),
          epoch: int32({default: -1}),
        }, {v: '12+', tag: 2}),
        abortedTransactions: array(struct({
          producerId: int64(),
          firstOffset: int64(),
        }), {nullable: '4+'}),
        preferredReadReplica: int32({v: '11+', default: -1}),
        records: records({nullable: '4+'}),
      })),
    })),
  }),
})

export type FetchRequest = RequestOf<typeof Fetch>
export type FetchResponse = ResponseOf<typeof Fetch>
