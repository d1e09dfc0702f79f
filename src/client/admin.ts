/**
 * Topic administration as Kafka's Admin client does it: CreateTopics and DeleteTopics to the
 * controller, Metadata for listing and describing, DescribeConfigs for a topic's non-default
 * configs when the broker offers it. Per-topic failures come back as KafkaErrors in the
 * results, so a command can tolerate some (--if-not-exists, --if-exists) and report the rest.
 * Configs (DescribeConfigs, IncrementalAlterConfigs), partition growth (CreatePartitions) and the
 * per-partition calls (ListOffsets, DeleteRecords, sent to each partition's leader) work the same
 * way: one result per thing asked about, each with its own error.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {ListOffsets} from '../protocol/messages/02-list-offsets.js'
import {CreateTopics} from '../protocol/messages/19-create-topics.js'
import {DeleteTopics} from '../protocol/messages/20-delete-topics.js'
import {DeleteRecords} from '../protocol/messages/21-delete-records.js'
import {DescribeConfigs} from '../protocol/messages/32-describe-configs.js'
import {DescribeLogDirs} from '../protocol/messages/35-describe-log-dirs.js'
import {CreatePartitions} from '../protocol/messages/37-create-partitions.js'
import {IncrementalAlterConfigs} from '../protocol/messages/44-incremental-alter-configs.js'
import type {BrokerConnection} from './connection.js'
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

/** What kafka-configs addresses: a topic, or a broker by id ('' = the cluster-wide broker defaults). */
export interface ConfigResource {
  type: 'topic' | 'broker' | 'group'
  name: string
}

export interface ConfigSynonym {
  name: string
  value: string | null
  source: number
}

export interface DescribedConfigEntry extends ConfigEntry {
  readOnly: boolean
  sensitive: boolean
  /** Highest precedence first, as Kafka reports them (only when asked for). */
  synonyms: ConfigSynonym[]
}

export interface ResourceConfigs {
  resource: ConfigResource
  entries: DescribedConfigEntry[]
  error?: KafkaError
}

/** IncrementalAlterConfigs' operations; append and subtract work on list configs only. */
export type ConfigOperation = 'set' | 'delete' | 'append' | 'subtract'

export interface ConfigChange {
  name: string
  operation: ConfigOperation
  /** Ignored for 'delete'. */
  value?: string
}

export interface TopicPartitionRef {
  topic: string
  partition: number
}

/**
 * Which offset ListOffsets should find: the log start, the end (high watermark), the record with
 * the largest timestamp, or the first offset whose timestamp is at or after a time in ms.
 */
export type OffsetQuery = 'earliest' | 'latest' | 'max-timestamp' | {timestamp: number}

export interface ListedOffset extends TopicPartitionRef {
  /** -1 when no record matches (a timestamp later than every record). */
  offset: number
  timestamp: number
  leaderEpoch: number
  error?: KafkaError
}

export interface DeletedRecords extends TopicPartitionRef {
  /** The partition's new log start offset; -1 on error. */
  lowWatermark: number
  error?: KafkaError
}

/** One partition's replica in a log directory, as DescribeLogDirs reports it. */
export interface ReplicaLogInfo extends TopicPartitionRef {
  /** Bytes of the partition's segments in this directory. */
  size: number
  /** How far this replica is behind the log end (0 on the leader). */
  offsetLag: number
  /** A replica being moved into this directory (kafka-reassign-partitions' future replica). */
  isFuture: boolean
}

export interface LogDirDescription {
  path: string
  /** Sorted by topic, then partition. */
  replicas: ReplicaLogInfo[]
  /** -1 when the broker's DescribeLogDirs version (below 4) does not report it. */
  totalBytes: number
  usableBytes: number
  /** The directory is offline (KAFKA_STORAGE_ERROR) or could not be read. */
  error?: KafkaError
}

export interface BrokerLogDirs {
  broker: number
  logDirs: LogDirDescription[]
}

export interface PartitionIncrease {
  topic: string
  error?: KafkaError
}

const RESOURCE_TOPIC = 2
const RESOURCE_BROKER = 4
const RESOURCE_GROUP = 32
const CONFIG_SOURCE_DEFAULT = 5
const DEFAULT_TIMEOUT_MS = 30_000
const OPERATION_CODES: Record<ConfigOperation, number> = {set: 0, delete: 1, append: 2, subtract: 3}
const QUERY_TIMESTAMPS = {latest: -1, earliest: -2, 'max-timestamp': -3} as const

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

  /** The broker ids Metadata lists, ascending. */
  async brokerIds(): Promise<number[]> {
    await this.cluster.refresh([])
    return this.cluster
      .knownBrokers()
      .map((broker) => broker.nodeId)
      .sort((a, b) => a - b)
  }

  /**
   * Every config of each resource with its source (and synonyms when asked), in the order asked.
   * A broker resource goes to that broker; topics and the broker defaults to any broker.
   */
  async describeConfigs(resources: ConfigResource[], opts: {includeSynonyms?: boolean} = {}): Promise<ResourceConfigs[]> {
    const results = await Promise.all(
      groupBy(resources, (resource) => this.configTarget(resource)).map(async ([target, group]) => {
        const connection = await this.connectionForConfigs(target)
        const response = await connection.request(DescribeConfigs, {
          resources: group.map((resource) => ({resourceType: resourceTypeCode(resource), resourceName: resource.name, configurationKeys: null})),
          includeSynonyms: opts.includeSynonyms ?? false,
          includeDocumentation: false,
        })
        return group.map((resource, index): ResourceConfigs => {
          const answer = response.results.find((r) => r.resourceName === resource.name && r.resourceType === resourceTypeCode(resource)) ?? response.results[index]
          if (!answer) return {resource, entries: [], error: new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `No answer for ${resource.type} ${resource.name}.`)}
          const error = errorOf(answer.errorCode, answer.errorMessage, resource.type === 'topic' ? resource.name : undefined)
          const entries = answer.configs.map((entry): DescribedConfigEntry => ({
            name: entry.name,
            value: entry.value,
            source: entry.configSource,
            readOnly: entry.readOnly,
            sensitive: entry.isSensitive,
            synonyms: entry.synonyms.map((synonym) => ({name: synonym.name, value: synonym.value, source: synonym.source})),
          }))
          return {resource, entries, error}
        })
      }),
    )
    const byResource = new Map(results.flat().map((result) => [resourceKey(result.resource), result]))
    return resources.map((resource) => byResource.get(resourceKey(resource))!)
  }

  /** Applies `changes` to one resource, all or nothing (IncrementalAlterConfigs); throws Kafka's error. */
  async alterConfigs(resource: ConfigResource, changes: ConfigChange[], opts: {validateOnly?: boolean} = {}): Promise<void> {
    const connection = await this.connectionForConfigs(this.configTarget(resource))
    const response = await connection.request(IncrementalAlterConfigs, {
      resources: [
        {
          resourceType: resourceTypeCode(resource),
          resourceName: resource.name,
          configs: changes.map((change) => ({
            name: change.name,
            configOperation: OPERATION_CODES[change.operation],
            value: change.operation === 'delete' ? null : (change.value ?? null),
          })),
        },
      ],
      validateOnly: opts.validateOnly ?? false,
    })
    const [answer] = response.responses
    const error = answer ? errorOf(answer.errorCode, answer.errorMessage, resource.type === 'topic' ? resource.name : undefined) : undefined
    if (error) throw error
  }

  /** Grows each topic to `count` partitions (Kafka never shrinks one); one result per topic. */
  async createPartitions(
    increases: Array<{topic: string; count: number}>,
    opts: {validateOnly?: boolean; timeoutMs?: number} = {},
  ): Promise<PartitionIncrease[]> {
    const controller = await this.cluster.controller()
    const response = await controller.request(CreatePartitions, {
      topics: increases.map(({topic, count}) => ({name: topic, count, assignments: null})),
      timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      validateOnly: opts.validateOnly ?? false,
    })
    return increases.map(({topic}) => {
      const answer = response.results.find((result) => result.name === topic)
      return {topic, error: answer ? errorOf(answer.errorCode, answer.errorMessage, topic) : undefined}
    })
  }

  /** ListOffsets for each partition at its leader, in the order asked. */
  async listOffsets(partitions: TopicPartitionRef[], query: OffsetQuery, opts: {isolationLevel?: 0 | 1} = {}): Promise<ListedOffset[]> {
    const timestamp = typeof query === 'object' ? query.timestamp : QUERY_TIMESTAMPS[query]
    return this.listOffsetsAt(partitions.map((p) => ({topic: p.topic, partition: p.partition, timestamp})), opts)
  }

  /** ListOffsets with a timestamp of its own per partition (-1 latest, -2 earliest, -3 max timestamp, or ms). */
  async listOffsetsAt(
    entries: Array<TopicPartitionRef & {timestamp: number}>,
    opts: {isolationLevel?: 0 | 1} = {},
  ): Promise<ListedOffset[]> {
    const timestamps = new Map(entries.map((entry) => [partitionKey(entry), entry.timestamp]))
    const answers = await this.perLeader(entries, async (connection, topics) => {
      const response = await connection.request(ListOffsets, {
        replicaId: -1,
        isolationLevel: opts.isolationLevel ?? 0,
        topics: topics.map(([name, list]) => ({
          name,
          partitions: list.map((p) => ({partitionIndex: p.partition, timestamp: timestamps.get(partitionKey(p))!})),
        })),
        timeoutMs: DEFAULT_TIMEOUT_MS,
      })
      return response.topics.flatMap((topic) =>
        topic.partitions.map((p): ListedOffset => ({
          topic: topic.name,
          partition: p.partitionIndex,
          offset: p.offset,
          timestamp: p.timestamp,
          leaderEpoch: p.leaderEpoch,
          error: errorOf(p.errorCode, null),
        })),
      )
    })
    return entries.map(
      (p) => answers.get(partitionKey(p)) ?? {topic: p.topic, partition: p.partition, offset: -1, timestamp: -1, leaderEpoch: -1, error: missingPartition(p)},
    )
  }

  /**
   * Deletes the records before each offset (kafka-delete-records; -1 = up to the high watermark),
   * at each partition's leader, in the order asked.
   */
  async deleteRecords(entries: Array<TopicPartitionRef & {offset: number}>, opts: {timeoutMs?: number} = {}): Promise<DeletedRecords[]> {
    const offsets = new Map(entries.map((entry) => [partitionKey(entry), entry.offset]))
    const answers = await this.perLeader(entries, async (connection, topics) => {
      const response = await connection.request(DeleteRecords, {
        topics: topics.map(([name, list]) => ({
          name,
          partitions: list.map((p) => ({partitionIndex: p.partition, offset: offsets.get(partitionKey(p))!})),
        })),
        timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      })
      return response.topics.flatMap((topic) =>
        topic.partitions.map((p): DeletedRecords => ({
          topic: topic.name,
          partition: p.partitionIndex,
          lowWatermark: p.lowWatermark,
          error: errorOf(p.errorCode, null),
        })),
      )
    })
    return entries.map((p) => answers.get(partitionKey(p)) ?? {topic: p.topic, partition: p.partition, lowWatermark: -1, error: missingPartition(p)})
  }

  /**
   * The log directories of each broker (default: every broker in the cluster) with the partitions
   * of `topics` they hold (null = every topic; a topic that does not exist is simply not there).
   * A broker that refuses the request as a whole throws its KafkaError.
   */
  async describeLogDirs(topics: string[] | null, opts: {brokers?: number[]} = {}): Promise<BrokerLogDirs[]> {
    const brokers = opts.brokers ?? (await this.brokerIds())
    const wanted = topics === null ? null : await this.existingPartitions(topics)
    return Promise.all(
      brokers.map(async (broker): Promise<BrokerLogDirs> => {
        const connection = this.cluster.isLocal ? await this.cluster.anyBroker() : await this.cluster.connectionTo(broker)
        const response = await connection.request(DescribeLogDirs, {topics: wanted})
        const error = errorOf(response.errorCode, null)
        if (error) throw error
        const logDirs = response.results.map((dir): LogDirDescription => ({
          path: dir.logDir,
          replicas: dir.topics
            .flatMap((topic) =>
              topic.partitions.map((p): ReplicaLogInfo => ({
                topic: topic.name,
                partition: p.partitionIndex,
                size: p.partitionSize,
                offsetLag: p.offsetLag,
                isFuture: p.isFutureKey,
              })),
            )
            .sort((a, b) => compareNames(a.topic, b.topic) || a.partition - b.partition),
          totalBytes: dir.totalBytes,
          usableBytes: dir.usableBytes,
          error: errorOf(dir.errorCode, null),
        }))
        return {broker, logDirs}
      }),
    )
  }

  /** DescribeLogDirs names partitions, not topics: every partition of each topic that exists. */
  private async existingPartitions(topics: string[]): Promise<Array<{topic: string; partitions: number[]}>> {
    if (topics.length === 0) return []
    const metadata = await this.cluster.refresh(topics)
    return metadata
      .filter((topic) => topic.errorCode === ErrorCode.NONE)
      .map((topic) => ({topic: topic.name, partitions: topic.partitions.map((p) => p.partition)}))
  }

  /**
   * Sends one request per leader for the partitions it leads, grouped by topic, and collects the
   * answers by partition. Partitions of unknown topics or without a leader get no answer.
   */
  private async perLeader<P extends TopicPartitionRef, R extends TopicPartitionRef>(
    partitions: P[],
    send: (connection: BrokerConnection, topics: Array<[string, P[]]>) => Promise<R[]>,
  ): Promise<Map<string, R>> {
    const topics = [...new Set(partitions.map((p) => p.topic))]
    const answers = new Map<string, R>()
    if (topics.length === 0) return answers
    await this.cluster.refresh(topics)
    const led = partitions.filter((p) => this.cluster.leaderOf(p.topic, p.partition) >= 0)
    await Promise.all(
      groupBy(led, (p) => this.cluster.leaderOf(p.topic, p.partition)).map(async ([leader, group]) => {
        const connection = await this.cluster.connectionTo(leader)
        for (const answer of await send(connection, groupBy(group, (p) => p.topic))) answers.set(partitionKey(answer), answer)
      }),
    )
    return answers
  }

  /** -1 for "any broker", else the broker id a broker resource names. */
  private configTarget(resource: ConfigResource): number {
    return resource.type === 'broker' && /^\d+$/.test(resource.name) ? Number(resource.name) : -1
  }

  private async connectionForConfigs(target: number): Promise<BrokerConnection> {
    if (target < 0 || this.cluster.isLocal) return this.cluster.anyBroker()
    await this.cluster.refresh([])
    return this.cluster.connectionTo(target)
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

function resourceTypeCode(resource: ConfigResource): number {
  return {topic: RESOURCE_TOPIC, broker: RESOURCE_BROKER, group: RESOURCE_GROUP}[resource.type]
}

function resourceKey(resource: ConfigResource): string {
  return `${resource.type}\u0000${resource.name}`
}

function partitionKey(p: TopicPartitionRef): string {
  return `${p.topic}\u0000${p.partition}`
}

function missingPartition(p: TopicPartitionRef): KafkaError {
  return new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${p.topic}-${p.partition} does not exist or has no leader.`)
}

/** Groups items by a key, keeping first-seen order of keys and items. */
function groupBy<T, K>(items: readonly T[], keyOf: (item: T) => K): Array<[K, T[]]> {
  const groups = new Map<K, T[]>()
  for (const item of items) {
    const key = keyOf(item)
    let group = groups.get(key)
    if (!group) groups.set(key, (group = []))
    group.push(item)
  }
  return [...groups]
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
