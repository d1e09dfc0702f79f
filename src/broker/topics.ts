/**
 * The topics the broker hosts: creation and deletion with Kafka's rules and messages, their
 * partitions' logs, and the metadata that makes them survive a restart.
 *
 * Ordering on disk makes crashes harmless: a topic is recorded in the meta store before its logs
 * are created (a missing log is created at the next start) and forgotten before its logs are
 * deleted (a stray log is removed at the next start).
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {LogManager} from '../storage/log-manager.js'
import type {LogConfig} from '../storage/log.js'
import {type MetaStore, type TopicRecord, newUuid} from './meta-store.js'
import {Partition} from './partition.js'
import {type BrokerSettings, type TopicSettings, topicSettings, validateTopicConfig} from './topic-configs.js'
import {INTERNAL_TOPICS, collisionKey, topicNameProblem} from './topic-name.js'

export class Topic {
  constructor(
    public record: TopicRecord,
    readonly partitions: Partition[],
    public settings: TopicSettings,
  ) {}

  get name(): string {
    return this.record.name
  }

  get id(): string {
    return this.record.id
  }

  get isInternal(): boolean {
    return INTERNAL_TOPICS.has(this.record.name)
  }
}

export interface NewTopic {
  name: string
  partitions: number
  configs: Record<string, string>
}

const logConfig = (settings: TopicSettings): LogConfig => ({
  segmentBytes: settings.segmentBytes,
  segmentMs: settings.segmentMs,
  indexIntervalBytes: settings.indexIntervalBytes,
  segmentIndexBytes: settings.segmentIndexBytes,
})

export class TopicManager {
  private readonly topics = new Map<string, Topic>()
  private readonly creating = new Map<string, Promise<Topic>>()

  private constructor(
    private readonly meta: MetaStore,
    private readonly logs: LogManager,
    private readonly broker: BrokerSettings,
  ) {}

  static async open(meta: MetaStore, logs: LogManager, broker: BrokerSettings): Promise<TopicManager> {
    const manager = new TopicManager(meta, logs, broker)
    const records = await meta.loadTopics()
    for (const record of records) manager.topics.set(record.name, await manager.openTopic(record))
    await logs.removeStrayLogs(new Set(records.map((record) => record.name)))
    return manager
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name)
  }

  getById(id: string): Topic | undefined {
    for (const topic of this.topics.values()) if (topic.id === id) return topic
    return undefined
  }

  all(): Topic[] {
    return [...this.topics.values()]
  }

  /** Checks a creation without making it (CreateTopics' validateOnly), throwing Kafka's errors. */
  validate(spec: NewTopic): void {
    const problem = topicNameProblem(spec.name)
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem)
    if (this.topics.has(spec.name) || this.creating.has(spec.name))
      throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`)
    const key = collisionKey(spec.name)
    for (const existing of this.topics.keys()) {
      if (collisionKey(existing) === key)
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${spec.name}' collides with existing topic: ${existing}`)
    }
    if (!Number.isInteger(spec.partitions) || spec.partitions <= 0)
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, 'Number of partitions was set to an invalid non-positive value.')
    for (const [name, value] of Object.entries(spec.configs)) validateTopicConfig(name, value)
  }

  async create(spec: NewTopic): Promise<Topic> {
    this.validate(spec)
    const creation = this.createValidated(spec)
    this.creating.set(spec.name, creation)
    try {
      return await creation
    } finally {
      this.creating.delete(spec.name)
    }
  }

  async delete(name: string): Promise<void> {
    this.require(name)
    this.topics.delete(name)
    await this.meta.saveTopics(this.records())
    await this.logs.deleteLogs(name)
  }

  /** Replaces a topic's config overrides (checked first, all or nothing) and applies them at once. */
  async setConfigs(name: string, configs: Record<string, string>, validateOnly = false): Promise<void> {
    const topic = this.require(name)
    for (const [config, value] of Object.entries(configs)) validateTopicConfig(config, value)
    if (validateOnly) return
    const record = {...topic.record, configs}
    await this.meta.saveTopics(this.records().map((each) => (each.name === name ? record : each)))
    topic.record = record
    topic.settings = topicSettings(configs, this.broker)
    for (const partition of topic.partitions) partition.log.updateConfig(logConfig(topic.settings))
  }

  /** Re-reads every topic's inherited settings after a broker setting changed at run time. */
  refreshSettings(): void {
    for (const topic of this.topics.values()) {
      topic.settings = topicSettings(topic.record.configs, this.broker)
      for (const partition of topic.partitions) partition.log.updateConfig(logConfig(topic.settings))
    }
  }

  /** Grows a topic to `count` partitions; Kafka never shrinks one. */
  async addPartitions(name: string, count: number, validateOnly = false): Promise<void> {
    const topic = this.require(name)
    const current = topic.partitions.length
    if (count === current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
    if (count < current)
      throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `The topic ${name} currently has ${current} partition(s); ${count} would not be an increase.`)
    if (validateOnly) return
    const record = {...topic.record, partitions: count}
    await this.meta.saveTopics(this.records().map((each) => (each.name === name ? record : each)))
    for (let index = current; index < count; index++) {
      const log = await this.logs.createLog(name, index, logConfig(topic.settings))
      topic.partitions.push(new Partition(name, index, log))
    }
    topic.record = record
  }

  private require(name: string): Topic {
    const topic = this.topics.get(name)
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${name}' does not exist.`)
    return topic
  }

  private async createValidated(spec: NewTopic): Promise<Topic> {
    const record: TopicRecord = {name: spec.name, id: newUuid(), partitions: spec.partitions, configs: spec.configs}
    await this.meta.saveTopics([...this.records(), record])
    const topic = await this.openTopic(record)
    this.topics.set(record.name, topic)
    return topic
  }

  private async openTopic(record: TopicRecord): Promise<Topic> {
    const settings = topicSettings(record.configs, this.broker)
    const partitions: Partition[] = []
    for (let index = 0; index < record.partitions; index++) {
      // A log found on disk was opened with the manager's defaults: give it the topic's settings.
      const existing = this.logs.getLog(record.name, index)
      existing?.updateConfig(logConfig(settings))
      const log = existing ?? (await this.logs.createLog(record.name, index, logConfig(settings)))
      partitions.push(new Partition(record.name, index, log))
    }
    return new Topic(record, partitions, settings)
  }

  private records(): TopicRecord[] {
    return [...this.topics.values()].map((topic) => topic.record)
  }
}
