/**
 * Metadata (API key 3): kbus speaks v0-12, flexible from v9.
 * v13 only adds a top-level ErrorCode and is left out.
 * Fields from Kafka's MetadataRequest.json / MetadataResponse.json.
 */
import {array, bool, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct, uuid} from '../schema.js'

export const Metadata = defineApi({
  key: 3,
  name: 'Metadata',
  minVersion: 0,
  maxVersion: 12,
  flexibleFrom: 9,
  request: struct({
    topics: array(struct({
      topicId: uuid({v: '10+'}),
      name: string({nullable: '10+'}),
    }), {nullable: '1+'}),
    allowAutoTopicCreation: bool({v: '4+', default: true}),
    includeClusterAuthorizedOperations: bool({v: '8-10'}),
    includeTopicAuthorizedOperations: bool({v: '8+'}),
  }),
  response: struct({
    throttleTimeMs: int32({v: '3+'}),
    brokers: array(struct({
      nodeId: int32(),
      host: string(),
      port: int32(),
      rack: string({v: '1+', nullable: '1+'}),
    })),
    clusterId: string({v: '2+', nullable: '2+'}),
    controllerId: int32({v: '1+', default: -1}),
    topics: array(struct({
      errorCode: int16(),
      name: string({nullable: '12+'}),
      topicId: uuid({v: '10+'}),
      isInternal: bool({v: '1+'}),
      partitions: array(struct({
        errorCode: int16(),
        partitionIndex: int32(),
        leaderId: int32(),
        leaderEpoch: int32({v: '7+', default: -1}),
        replicaNodes: array(int32()),
        isrNodes: array(int32()),
        offlineReplicas: array(int32(), {v: '5+'}),
      })),
      topicAuthorizedOperations: int32({v: '8+', default: -2147483648}),
    })),
    clusterAuthorizedOperations: int32({v: '8-10', default: -2147483648}),
  }),
})

export type MetadataRequest = RequestOf<typeof Metadata>
export type MetadataResponse = ResponseOf<typeof Metadata>
