/**
 * DeleteTopics (API key 20): kbus speaks v1-6, flexible from v4.
 * Fields from Kafka's DeleteTopicsRequest.json / DeleteTopicsResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct, uuid} from '../schema.js'

export const DeleteTopics = defineApi({
  key: 20,
  name: 'DeleteTopics',
  minVersion: 1,
  maxVersion: 6,
  flexibleFrom: 4,
  request: struct({
    topics: array(struct({
      name: string({nullable: '6+'}),
      topicId: uuid(),
    }), {v: '6+'}),
    topicNames: array(string(), {v: '1-5'}),
    timeoutMs: int32(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    responses: array(struct({
      name: string({nullable: '6+'}),
      topicId: uuid({v: '6+'}),
      errorCode: int16(),
      errorMessage: string({v: '5+', nullable: '5+'}),
    })),
  }),
})

export type DeleteTopicsRequest = RequestOf<typeof DeleteTopics>
export type DeleteTopicsResponse = ResponseOf<typeof DeleteTopics>
