/**
 * Metadata (3), v0-12. Topics null (v1+) or an empty list on v0 means every topic. A missing
 * topic is created on the spot when the request and the broker both allow it (Kafka's default);
 * creating it synchronously lets every client see it in the same answer.
 */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {Metadata} from '../../protocol/messages/03-metadata.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'
import {topicNameProblem} from '../topic-name.js'
import type {Topic} from '../topics.js'
import {uuidBytes, ZERO_UUID} from '../uuid.js'

const UNAUTHORIZED_OPERATIONS_UNSET = -2147483648

export const metadataHandler = defineHandler({
  api: Metadata,
  async handle(request, ctx) {
    const {broker, version} = ctx
    const everyTopic = request.topics === null || (version === 0 && request.topics.length === 0)
    const topics = everyTopic
      ? broker.topics.all().map((topic) => describeTopic(topic, broker))
      : await Promise.all(
          request.topics!.map((wanted) =>
            lookUp(broker, wanted.name, wanted.topicId, version < 4 || request.allowAutoTopicCreation),
          ),
        )
    return {
      throttleTimeMs: 0,
      brokers: [{nodeId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null}],
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      topics,
      clusterAuthorizedOperations: UNAUTHORIZED_OPERATIONS_UNSET,
    }
  },
})

async function lookUp(broker: BrokerCore, name: string | null, topicId: Buffer, mayCreate: boolean) {
  if (name === null) {
    const topic = broker.topics.getById(topicId.toString('base64url'))
    return topic ? describeTopic(topic, broker) : topicError(ErrorCode.UNKNOWN_TOPIC_ID, null)
  }
  const existing = broker.topics.get(name)
  if (existing) return describeTopic(existing, broker)
  if (topicNameProblem(name)) return topicError(ErrorCode.INVALID_TOPIC_EXCEPTION, name)
  if (!(mayCreate && broker.autoCreateTopics)) return topicError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name)
  try {
    return describeTopic(await broker.topics.create({name, partitions: broker.numPartitions, configs: {}}), broker)
  } catch (error) {
    // Another request created it a moment ago: answer with that topic.
    const raced = broker.topics.get(name)
    if (raced) return describeTopic(raced, broker)
    return topicError(error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR, name)
  }
}

function topicError(errorCode: number, name: string | null) {
  return {errorCode, name, topicId: ZERO_UUID, isInternal: false, partitions: [], topicAuthorizedOperations: UNAUTHORIZED_OPERATIONS_UNSET}
}

export function describeTopic(topic: Topic, broker: BrokerCore) {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: uuidBytes(topic.id),
    isInternal: topic.isInternal,
    partitions: topic.partitions.map((partition) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: partition.index,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: [broker.nodeId],
      isrNodes: [broker.nodeId],
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: UNAUTHORIZED_OPERATIONS_UNSET,
  }
}
