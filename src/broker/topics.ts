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
  private readonly topicsById = new Map<string, Topic>()
  private readonly creating = new Map<string, Promise<Topic>>()
  /**
   * The topic list as topics.json should hold it: every topic, those being created included. Each
   * change updates it first, then saves the whole of it, so concurrent changes never write over
   * each other and a burst of them shares one write.
   */
  private readonly records = new Map<string, TopicRecord>()
  /** Names by collisionKey ('.' and '_' alike), so a new name is checked in O(1). */
  private readonly namesByCollisionKey = new Map<string, string>()

  private constructor(
    private readonly meta: MetaStore,
    private readonly logs: LogManager,
    private readonly broker: BrokerSettings,
  ) {}

  static async open(meta: MetaStore, logs: LogManager, broker: BrokerSettings): Promise<TopicManager> {
    const manager = new TopicManager(meta, logs, broker)
    const records = await meta.loadTopics()
    for (const record of records) {
      manager.setRecord(record)
      manager.add(await manager.openTopic(record))
    }
    await logs.removeStrayLogs(new Set(records.map((record) => record.name)))
    return manager
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name)
  }

  getById(id: string): Topic | undefined {
    return this.topicsById.get(id)
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
    const existing = this.namesByCollisionKey.get(collisionKey(spec.name))
    if (existing !== undefined)
      throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${spec.name}' collides with existing topic: ${existing}`)
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
    const topic = this.require(name)
    this.topics.delete(name)
    this.topicsById.delete(topic.id)
    this.deleteRecord(name)
    await this.saveRecords()
    await this.logs.deleteLogs(name)
  }

  /** Replaces a topic's config overrides (checked first, all or nothing) and applies them at once. */
  async setConfigs(name: string, configs: Record<string, string>, validateOnly = false): Promise<void> {
    const topic = this.require(name)
    for (const [config, value] of Object.entries(configs)) validateTopicConfig(config, value)
    if (validateOnly) return
    const record = {...topic.record, configs}
    await this.saveRecord(record)
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
    await this.saveRecord(record)
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
    await this.saveRecord(record)
    const topic = await this.openTopic(record)
    this.add(topic)
    return topic
  }

  private add(topic: Topic): void {
    this.topics.set(topic.name, topic)
    this.topicsById.set(topic.id, topic)
  }

  /** Records `record` (new or changed) in topics.json; on failure the list is as it was. */
  private async saveRecord(record: TopicRecord): Promise<void> {
    const previous = this.records.get(record.name)
    this.setRecord(record)
    try {
      await this.saveRecords()
    } catch (error) {
      // Undone only if no later change replaced it meanwhile.
      if (this.records.get(record.name) === record) {
        if (previous) this.setRecord(previous)
        else this.deleteRecord(record.name)
      }
      throw error
    }
  }

  private saveRecords(): Promise<void> {
    return this.meta.saveTopics([...this.records.values()])
  }

  private setRecord(record: TopicRecord): void {
    this.records.set(record.name, record)
    this.namesByCollisionKey.set(collisionKey(record.name), record.name)
  }

  private deleteRecord(name: string): void {
    this.records.delete(name)
    this.namesByCollisionKey.delete(collisionKey(name))
  }

  private async openTopic(record: TopicRecord): Promise<Topic> {
    const settings = topicSettings(record.configs, this.broker)
    // The log manager bounds how many logs are made at once; asking for all lets it overlap them.
    const partitions = await Promise.all(
      Array.from({length: record.partitions}, async (_, index) => {
        // A log found on disk was opened with the manager's defaults: give it the topic's settings.
        const existing = this.logs.getLog(record.name, index)
        existing?.updateConfig(logConfig(settings))
        const log = existing ?? (await this.logs.createLog(record.name, index, logConfig(settings)))
        return new Partition(record.name, index, log)
      }),
    )
    return new Topic(record, partitions, settings)
  }
}
