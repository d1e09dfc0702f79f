/**
 * Topic administration as Kafka's Admin client does it: CreateTopics and DeleteTopics to the
 * controller, Metadata for listing and describing, DescribeConfigs for a topic's non-default
 * configs when the broker offers it. Per-topic failures come back as KafkaErrors in the
 * results, so a command can tolerate some (--if-not-exists, --if-exists) and report the rest.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {CreateTopics} from '../protocol/messages/19-create-topics.js'
import {DeleteTopics} from '../protocol/messages/20-delete-topics.js'
import {DescribeConfigs} from '../protocol/messages/32-describe-configs.js'
import {type Cluster, type PartitionMetadata, ZERO_TOPIC_ID} from './cluster.js'

export interface NewTopic {
  name: string
  /** -1 (the default) lets the broker use num.partitions. */
  partitions?: number
  /** -1 (the default) lets the broker use default.replication.factor. */
  replicationFactor?: number
  configs?: ReadonlyMap<string, string>
}

export interface CreatedTopic {
  name: string
  topicId: string
  /** -1 when the broker's CreateTopics version does not report it. */
  partitions: number
  replicationFactor: number
  error?: KafkaError
}

export interface DeletedTopic {
  name: string
  error?: KafkaError
}

export interface ConfigEntry {
  name: string
  value: string | null
  /** Kafka's ConfigSource: 1 topic override, 4 static broker config, 5 default, … */
  source: number
}

export interface PartitionDescription {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
}

export interface TopicDescription {
  name: string
  topicId: string
  isInternal: boolean
  replicationFactor: number
  partitions: PartitionDescription[]
  /** Entries whose source is not Kafka's DEFAULT_CONFIG, as kafka-topics --describe shows them. */
  configs: ConfigEntry[]
  error?: KafkaError
}

const RESOURCE_TOPIC = 2
const CONFIG_SOURCE_DEFAULT = 5
const DEFAULT_TIMEOUT_MS = 30_000

export class Admin {
  constructor(private readonly cluster: Cluster) {}

  async createTopics(topics: NewTopic[], opts: {validateOnly?: boolean; timeoutMs?: number} = {}): Promise<CreatedTopic[]> {
    const controller = await this.cluster.controller()
    const response = await controller.request(CreateTopics, {
      topics: topics.map((topic) => ({
        name: topic.name,
        numPartitions: topic.partitions ?? -1,
        replicationFactor: topic.replicationFactor ?? -1,
        assignments: [],
        configs: [...(topic.configs ?? new Map())].map(([name, value]) => ({name, value})),
      })),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      validateOnly: opts.validateOnly ?? false,
    })
    return response.topics.map((topic) => ({
      name: topic.name,
      topicId: uuidText(topic.topicId),
      partitions: topic.numPartitions,
      replicationFactor: topic.replicationFactor,
      error: errorOf(topic.errorCode, topic.errorMessage),
    }))
  }

  async deleteTopics(names: string[], opts: {timeoutMs?: number} = {}): Promise<DeletedTopic[]> {
    const controller = await this.cluster.controller()
    const response = await controller.request(DeleteTopics, {
      topicNames: names,
      topics: names.map((name) => ({name})),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    })
    return response.responses.map((topic) => ({
      name: topic.name ?? '',
      error: errorOf(topic.errorCode, topic.errorMessage),
    }))
  }

  /** Topic names, sorted as kafka-topics --list prints them. */
  async listTopics(opts: {includeInternal?: boolean} = {}): Promise<string[]> {
    const topics = await this.cluster.refresh(null)
    return topics
      .filter((topic) => topic.errorCode === ErrorCode.NONE && (opts.includeInternal || !topic.isInternal))
      .map((topic) => topic.name)
      .sort(compareNames)
  }

  /**
   * Describes `names` (null = every topic, internal ones only when asked), in the order the
   * broker answered. A topic that does not exist carries UNKNOWN_TOPIC_OR_PARTITION.
   */
  async describeTopics(names: string[] | null, opts: {includeInternal?: boolean} = {}): Promise<TopicDescription[]> {
    const metadata = await this.cluster.refresh(names)
    const described = metadata
      .filter((topic) => names !== null || opts.includeInternal || !topic.isInternal)
      .map((topic): TopicDescription => ({
        name: topic.name,
        topicId: topic.topicId,
        isInternal: topic.isInternal,
        replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
        partitions: topic.partitions.map(describePartition),
        configs: [],
        error: errorOf(topic.errorCode, null, topic.name),
      }))
    const existing = described.filter((topic) => !topic.error)
    const configs = await this.topicConfigs(existing.map((topic) => topic.name))
    for (const topic of existing) topic.configs = configs.get(topic.name) ?? []
    return described
  }

  /** Non-default configs per topic; empty when the broker does not speak DescribeConfigs. */
  private async topicConfigs(names: string[]): Promise<Map<string, ConfigEntry[]>> {
    const result = new Map<string, ConfigEntry[]>()
    if (names.length === 0) return result
    const connection = await this.cluster.anyBroker()
    if (!connection.supports(DescribeConfigs)) return result
    const response = await connection.request(DescribeConfigs, {
      resources: names.map((name) => ({resourceType: RESOURCE_TOPIC, resourceName: name, configurationKeys: null})),
      includeSynonyms: false,
      includeDocumentation: false,
    })
    for (const resource of response.results) {
      if (resource.errorCode !== ErrorCode.NONE) continue
      result.set(
        resource.resourceName,
        resource.configs
          .filter((entry) => entry.configSource !== CONFIG_SOURCE_DEFAULT)
          .map((entry) => ({name: entry.name, value: entry.value, source: entry.configSource})),
      )
    }
    return result
  }
}

function describePartition(partition: PartitionMetadata): PartitionDescription {
  return {partition: partition.partition, leader: partition.leader, replicas: partition.replicas, isr: partition.isr}
}

function errorOf(code: number, message: string | null | undefined, topic?: string): KafkaError | undefined {
  if (code === ErrorCode.NONE) return undefined
  if (message) return new KafkaError(code, message)
  if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION && topic !== undefined)
    return new KafkaError(code, `Topic '${topic}' does not exist.`)
  return new KafkaError(code)
}

function uuidText(id: Buffer | undefined): string {
  return id && id.length === 16 ? id.toString('base64url') : ZERO_TOPIC_ID
}

/** Java's String.compareTo order (UTF-16 code units), which is what JS's default sort uses too. */
function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
