/**
 * ListPartitionReassignments (API key 46): kbus speaks v0, flexible from v0.
 * Fields from Kafka's ListPartitionReassignmentsRequest.json / ListPartitionReassignmentsResponse.json.
 */
import {array, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ListPartitionReassignments = defineApi({
  key: 46,
  name: 'ListPartitionReassignments',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  request: struct({
    timeoutMs: int32({default: 60_000}),
    /** Null: every reassignment in progress. */
    topics: array(struct({
      name: string(),
      partitionIndexes: array(int32()),
    }), {nullable: '0+', default: null}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
    errorMessage: string({nullable: '0+'}),
    topics: array(struct({
      name: string(),
      partitions: array(struct({
        partitionIndex: int32(),
        replicas: array(int32()),
        addingReplicas: array(int32()),
        removingReplicas: array(int32()),
      })),
    })),
  }),
})

export type ListPartitionReassignmentsRequest = RequestOf<typeof ListPartitionReassignments>
export type ListPartitionReassignmentsResponse = ResponseOf<typeof ListPartitionReassignments>
