/**
 * CreateTopics (API key 19): kbus speaks v2-7, flexible from v5.
 * Fields from Kafka's CreateTopicsRequest.json / CreateTopicsResponse.json.
 */
import {array, bool, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct, uuid} from '../schema.js'

export const CreateTopics = defineApi({
  key: 19,
  name: 'CreateTopics',
  minVersion: 2,
  maxVersion: 7,
  flexibleFrom: 5,
  request: struct({
    topics: array(struct({
      name: string(),
      numPartitions: int32(),
      replicationFactor: int16(),
      assignments: array(struct({
        partitionIndex: int32(),
        brokerIds: array(int32()),
      })),
      configs: array(struct({
        name: string(),
        value: string({nullable: '2+'}),
      })),
    })),
    timeoutMs: int32({default: 60000}),
    validateOnly: bool(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    topics: array(struct({
      name: string(),
      topicId: uuid({v: '7+'}),
      errorCode: int16(),
      errorMessage: string({nullable: '2+'}),
      topicConfigErrorCode: int16({v: '5+', tag: 0}),
      numPartitions: int32({v: '5+', default: -1}),
      replicationFactor: int16({v: '5+', default: -1}),
      configs: array(struct({
        name: string(),
        value: string({nullable: '5+'}),
        readOnly: bool(),
        configSource: int8({default: -1}),
        isSensitive: bool(),
      }), {v: '5+', nullable: '5+'}),
    })),
  }),
})

export type CreateTopicsRequest = RequestOf<typeof CreateTopics>
export type CreateTopicsResponse = ResponseOf<typeof CreateTopics>
