/**
 * CreatePartitions (API key 37): kbus speaks v0-3, flexible from v2.
 * Fields from Kafka's CreatePartitionsRequest.json / CreatePartitionsResponse.json.
 */
import {array, bool, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const CreatePartitions = defineApi({
  key: 37,
  name: 'CreatePartitions',
  minVersion: 0,
  maxVersion: 3,
  flexibleFrom: 2,
  request: struct({
    topics: array(struct({
      name: string(),
      count: int32(),
      assignments: array(struct({
        brokerIds: array(int32()),
      }), {nullable: '0+'}),
    })),
    timeoutMs: int32(),
    validateOnly: bool(),
  }),
  response: struct({
    throttleTimeMs: int32(),
    results: array(struct({
      name: string(),
      errorCode: int16(),
      errorMessage: string({nullable: '0+'}),
    })),
  }),
})

export type CreatePartitionsRequest = RequestOf<typeof CreatePartitions>
export type CreatePartitionsResponse = ResponseOf<typeof CreatePartitions>
