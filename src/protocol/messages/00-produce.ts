/**
 * Produce (API key 0): kbus speaks v0-12, flexible from v9.
 * v0-2 share v3's layout minus TransactionalId; kbus advertises them (so older librdkafka
 * keeps compressing) but the broker closes connections that use them, as Kafka 4 does.
 * v13 (topic ids) is left out.
 * Fields from Kafka's ProduceRequest.json / ProduceResponse.json.
 */
import {array, defineApi, int16, int32, int64, records, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const Produce = defineApi({
  key: 0,
  name: 'Produce',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,
  request: struct({
    transactionalId: string({v: '3+', nullable: '3+'}),
    acks: int16(),
    timeoutMs: int32(),
    topicData: array(struct({
      name: string(),
      partitionData: array(struct({
        index: int32(),
        records: records({nullable: '0+'}),
      })),
    })),
  }),
  response: struct({
    responses: array(struct({
      name: string(),
      partitionResponses: array(struct({
        index: int32(),
        errorCode: int16(),
        baseOffset: int64(),
        logAppendTimeMs: int64({v: '2+', default: -1}),
        logStartOffset: int64({v: '5+', default: -1}),
        recordErrors: array(struct({
          batchIndex: int32(),
          batchIndexErrorMessage: string({nullable: '8+'}),
        }), {v: '8+'}),
        errorMessage: string({v: '8+', nullable: '8+'}),
        currentLeader: struct({
          leaderId: int32({default: -1}),
          leaderEpoch: int32({default: -1}),
        }, {v: '10+', tag: 0}),
      })),
    })),
    throttleTimeMs: int32({v: '1+'}),
    nodeEndpoints: array(struct({
      nodeId: int32(),
      host: string(),
      port: int32(),
      rack: string({nullable: '10+'}),
    }), {v: '10+', tag: 0}),
  }),
})

export type ProduceRequest = RequestOf<typeof Produce>
export type ProduceResponse = ResponseOf<typeof Produce>
