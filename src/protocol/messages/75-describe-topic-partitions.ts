/**
 * DescribeTopicPartitions (API key 75): kbus speaks v0, flexible from v0.
 * Fields from Kafka's DescribeTopicPartitionsRequest.json / DescribeTopicPartitionsResponse.json.
 */
import {array, bool, defineApi, int16, int32, type RequestOf, type ResponseOf, string, struct, uuid} from '../schema.js'

export const DescribeTopicPartitions = defineApi({
  key: 75,
  name: 'DescribeTopicPartitions',
  minVersion: 0,
  maxVersion: 0,
  flexibleFrom: 0,
  request: struct({
    topics: array(struct({
      name: string(),
    })),
    responsePartitionLimit: int32({default: 2000}),
    cursor: struct({
      topicName: string(),
      partitionIndex: int32(),
    }, {nullable: '0+'}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    topics: array(struct({
      errorCode: int16(),
      name: string({nullable: '0+'}),
      topicId: uuid(),
      isInternal: bool(),
      partitions: array(struct({
        errorCode: int16(),
        partitionIndex: int32(),
        leaderId: int32(),
        leaderEpoch: int32({default: -1}),
        replicaNodes: array(int32()),
        isrNodes: array(int32()),
        eligibleLeaderReplicas: array(int32(), {nullable: '0+'}),
        lastKnownElr: array(int32(), {nullable: '0+'}),
        offlineReplicas: array(int32()),
      })),
      topicAuthorizedOperations: int32({default: -2147483648}),
    })),
    nextCursor: struct({
      topicName: string(),
      partitionIndex: int32(),
    }, {nullable: '0+'}),
  }),
})

export type DescribeTopicPartitionsRequest = RequestOf<typeof DescribeTopicPartitions>
export type DescribeTopicPartitionsResponse = ResponseOf<typeof DescribeTopicPartitions>
