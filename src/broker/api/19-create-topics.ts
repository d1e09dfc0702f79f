/**
 * CreateTopics (19), v2-7. -1 partitions / replication factor mean the broker defaults (kafkajs
 * sends -1 even on v3). One broker can hold one replica, so larger factors are refused with
 * Kafka's message; manual replica assignments are accepted only when they name this broker once.
 */
import {ErrorCode, KafkaError, errorMessage} from '../../protocol/errors.js'
import {CreateTopics} from '../../protocol/messages/19-create-topics.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'
import {resolveTopicConfig, TOPIC_CONFIGS} from '../topic-configs.js'
import {uuidBytes, ZERO_UUID} from '../uuid.js'

type CreatableTopic = {
  name: string
  numPartitions: number
  replicationFactor: number
  assignments: {partitionIndex: number; brokerIds: number[]}[]
  configs: {name: string; value: string | null}[]
}

export const createTopicsHandler = defineHandler({
  api: CreateTopics,
  async handle(request, ctx) {
    // All at once: the topics' metadata writes and log creations are then shared and overlapped.
    // Each topic is validated before the next one's turn comes, so a name given twice still
    // finds the first one in creation.
    const topics = await Promise.all(request.topics.map((wanted) => createOne(wanted, request.validateOnly, ctx.broker)))
    return {throttleTimeMs: 0, topics}
  },
})

async function createOne(wanted: CreatableTopic, validateOnly: boolean, broker: BrokerCore) {
  const failed = (error: unknown) => {
    const code = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
    const message = error instanceof Error && error.message ? error.message : errorMessage(code)
    if (!(error instanceof KafkaError)) broker.logger.error(`CreateTopics ${wanted.name} failed: ${String(error)}`)
    return {
      name: wanted.name, topicId: ZERO_UUID, errorCode: code, errorMessage: message,
      numPartitions: -1, replicationFactor: -1, configs: null,
    }
  }
  try {
    const partitions = partitionCount(wanted, broker)
    const configs: Record<string, string> = {}
    for (const config of wanted.configs) {
      if (config.value === null)
        throw new KafkaError(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${config.name}`)
      configs[config.name] = config.value
    }
    const spec = {name: wanted.name, partitions, configs}
    broker.topics.validate(spec)
    const topic = validateOnly ? undefined : await broker.topics.create(spec)
    return {
      name: wanted.name,
      topicId: topic ? uuidBytes(topic.id) : ZERO_UUID,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      numPartitions: partitions,
      replicationFactor: 1,
      configs: TOPIC_CONFIGS.map((def) => {
        const resolved = resolveTopicConfig(def, configs, broker.brokerSetting)
        return {name: def.name, value: resolved.value, readOnly: false, configSource: resolved.source, isSensitive: false}
      }),
    }
  } catch (error) {
    return failed(error)
  }
}

function partitionCount(wanted: CreatableTopic, broker: BrokerCore): number {
  if (wanted.assignments.length > 0) {
    if (wanted.numPartitions !== -1 || wanted.replicationFactor !== -1)
      throw new KafkaError(ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.')
    for (const assignment of wanted.assignments) {
      const unknown = assignment.brokerIds.find((id) => id !== broker.nodeId)
      if (unknown !== undefined)
        throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`)
      if (assignment.brokerIds.length !== 1)
        throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, replicationMessage(assignment.brokerIds.length))
    }
    return wanted.assignments.length
  }
  const replicationFactor = wanted.replicationFactor === -1 ? broker.defaultReplicationFactor : wanted.replicationFactor
  if (replicationFactor <= 0)
    throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0, or -1 to use the default value.')
  if (replicationFactor > 1) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, replicationMessage(replicationFactor))
  const partitions = wanted.numPartitions === -1 ? broker.numPartitions : wanted.numPartitions
  if (partitions <= 0)
    throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
  return partitions
}

const replicationMessage = (factor: number) =>
  `Unable to replicate the partition ${factor} time(s): The target replication factor of ${factor} cannot be reached because only 1 broker(s) are registered.`
