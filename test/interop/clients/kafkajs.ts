/** kafkajs 2.2.4 in this process: its producer, group consumer and admin client. */
import {CompressionTypes, type IHeaders, Kafka, type KafkaMessage, logLevel, type LogEntry} from 'kafkajs'
import type {GroupMember, InteropClient, ProduceOptions, ReadOptions, TopicDescription, TransactionPlan} from '../harness/client.js'
import {READ_TIMEOUT_MS, Unsupported} from '../harness/client.js'
import {kafkajsVersion} from '../harness/peers.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'

let groupCounter = 0

export class KafkajsClient implements InteropClient {
  readonly name = 'kafkajs'
  /** kafkajs logs through a callback; the last errors become a failure's explanation. */
  private readonly errors: string[] = []

  constructor(private readonly bootstrap: string) {}

  async prepare(): Promise<string> {
    return kafkajsVersion()
  }

  private kafka(bootstrap = this.bootstrap): Kafka {
    return new Kafka({
      clientId: 'kbus-interop',
      brokers: [bootstrap],
      connectionTimeout: 5_000,
      requestTimeout: 15_000,
      retry: {retries: 3, initialRetryTime: 100, maxRetryTime: 1_000},
      logLevel: logLevel.ERROR,
      logCreator: () => (entry: LogEntry) => {
        this.errors.push(`${entry.log.message}${entry.log.error ? `: ${String(entry.log.error)}` : ''}`)
        if (this.errors.length > 20) this.errors.shift()
      },
    })
  }

  private async withAdmin<T>(work: (admin: ReturnType<Kafka['admin']>) => Promise<T>): Promise<T> {
    const admin = this.kafka().admin()
    await admin.connect()
    try {
      return await work(admin)
    } finally {
      await admin.disconnect()
    }
  }

  listTopics(): Promise<string[]> {
    return this.withAdmin((admin) => admin.listTopics())
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void> {
    await this.withAdmin(async (admin) => {
      const created = await admin.createTopics({
        waitForLeaders: true,
        topics: [{topic: name, numPartitions: partitions, configEntries: Object.entries(configs).map(([n, value]) => ({name: n, value}))}],
      })
      if (!created) throw new Error(`kafkajs createTopics reported '${name}' as already existing`)
    })
  }

  describeTopic(name: string): Promise<TopicDescription> {
    return this.withAdmin(async (admin) => {
      const metadata = await admin.fetchTopicMetadata({topics: [name]})
      const described = await admin.describeConfigs({includeSynonyms: false, resources: [{type: 2, name}]})
      const configs: Record<string, string> = {}
      for (const entry of described.resources[0]?.configEntries ?? []) configs[entry.configName] = entry.configValue
      return {partitions: metadata.topics[0]?.partitions.length ?? 0, configs}
    })
  }

  async deleteTopic(name: string): Promise<void> {
    await this.withAdmin((admin) => admin.deleteTopics({topics: [name], timeout: 10_000}))
  }

  async createPartitions(topic: string, total: number): Promise<void> {
    await this.withAdmin((admin) => admin.createPartitions({topicPartitions: [{topic, count: total}]}))
  }

  /** kafkajs has only the legacy AlterConfigs, which replaces the topic's whole override set. */
  async alterTopicConfig(topic: string, name: string, value: string): Promise<void> {
    await this.withAdmin((admin) => admin.alterConfigs({validateOnly: false, resources: [{type: 2, name: topic, configEntries: [{name, value}]}]}))
  }

  async deleteRecordsBefore(topic: string, offset: number): Promise<void> {
    await this.withAdmin(async (admin) => {
      // kafkajs looks the leader up in metadata it has already loaded and never loads it itself
      // ("Topic metadata not loaded"), against Kafka too: its users fetch the metadata first.
      await admin.fetchTopicMetadata({topics: [topic]})
      await admin.deleteTopicRecords({topic, partitions: [{partition: 0, offset: String(offset)}]})
    })
  }

  async listGroups(): Promise<string[]> {
    return this.withAdmin(async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId))
  }

  async committedOffsets(group: string, topic: string): Promise<Record<number, number>> {
    return this.withAdmin(async (admin) => {
      const fetched = await admin.fetchOffsets({groupId: group, topics: [topic]})
      return Object.fromEntries((fetched[0]?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]))
    })
  }

  async produce(topic: string, records: readonly OutRecord[], opts: ProduceOptions = {}): Promise<{timestampsWritten: boolean}> {
    const compression = compressionType(opts.compression ?? 'none')
    const producer = this.kafka(opts.bootstrap).producer({idempotent: opts.idempotent === true, maxInFlightRequests: opts.idempotent ? 1 : undefined})
    await producer.connect()
    try {
      await producer.send({
        topic,
        acks: opts.acks ?? -1,
        compression,
        messages: records.map((record) => ({
          partition: 0,
          key: record.key,
          value: record.value,
          headers: toKafkajsHeaders(record.headers),
          timestamp: record.timestamp === undefined ? undefined : String(record.timestamp),
        })),
      })
    } catch (error) {
      throw new Error(`${String(error)} (${this.errors.slice(-2).join(' | ')})`)
    } finally {
      await producer.disconnect()
    }
    return {timestampsWritten: true}
  }

  async produceTransactions(topic: string, transactionalId: string, transactions: readonly TransactionPlan[]): Promise<void> {
    const producer = this.kafka().producer({transactionalId, idempotent: true, maxInFlightRequests: 1})
    await producer.connect()
    try {
      for (const plan of transactions) {
        const transaction = await producer.transaction()
        await transaction.send({topic, messages: plan.values.map((value) => ({partition: 0, value}))})
        await (plan.commit ? transaction.commit() : transaction.abort())
      }
    } catch (error) {
      throw new Error(`${String(error)} (${this.errors.slice(-2).join(' | ')})`)
    } finally {
      await producer.disconnect()
    }
  }

  /** kafkajs consumes only in groups: a private group, then a seek for offsets and timestamps. */
  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const partition = opts.partition ?? 0
    const kafka = this.kafka()
    const consumer = kafka.consumer({groupId: `interop-kafkajs-read-${process.pid}-${++groupCounter}`, maxWaitTimeInMs: 500})
    const received: ReadRecord[] = []
    let finish: () => void = () => {}
    const done = new Promise<void>((resolve) => (finish = resolve))
    const timer = setTimeout(finish, opts.timeoutMs ?? READ_TIMEOUT_MS)
    try {
      await consumer.connect()
      await consumer.subscribe({topics: [topic], fromBeginning: opts.from === 'earliest'})
      const seekTo = typeof opts.from === 'object' ? await this.seekOffset(topic, partition, opts.from) : undefined
      await consumer.run({
        autoCommit: false,
        eachMessage: async ({partition: p, message}) => {
          if (p !== partition || received.length >= opts.count) return
          received.push(fromKafkajs(p, message))
          if (received.length >= opts.count) finish()
        },
      })
      if (seekTo !== undefined) consumer.seek({topic, partition, offset: seekTo})
      await done
    } finally {
      clearTimeout(timer)
      await consumer.disconnect()
    }
    return received
  }

  private async seekOffset(topic: string, partition: number, from: {offset: number} | {timestamp: number}): Promise<string> {
    if ('offset' in from) return String(from.offset)
    const offsets = await this.withAdmin((admin) => admin.fetchTopicOffsetsByTimestamp(topic, from.timestamp))
    const found = offsets.find((o) => o.partition === partition)
    if (!found) throw new Error(`kafkajs found no offset for timestamp ${from.timestamp}`)
    return found.offset
  }

  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const consumer = this.kafka().consumer({groupId: group, maxWaitTimeInMs: 500, heartbeatInterval: 500})
    const received: ReadRecord[] = []
    await consumer.connect()
    await consumer.subscribe({topics: [topic], fromBeginning: true})
    await consumer.run({
      autoCommitThreshold: 1,
      eachMessage: async ({partition, message}) => {
        received.push(fromKafkajs(partition, message))
      },
    })
    return {
      received,
      stop: () => consumer.disconnect(),
      diagnostics: () => this.errors.slice(-3).join(' | '),
    }
  }
}

function compressionType(codec: string): CompressionTypes {
  if (codec === 'none') return CompressionTypes.None
  if (codec === 'gzip') return CompressionTypes.GZIP
  throw new Unsupported(`kafkajs ships gzip only; ${codec} needs a third-party codec plug-in`)
}

/** kafkajs keeps headers in an object: a repeated key becomes an array, kept next to its first use. */
function toKafkajsHeaders(headers: ReadonlyArray<[string, string]>): IHeaders {
  const out: Record<string, string | string[]> = {}
  for (const [key, value] of headers) {
    const seen = out[key]
    out[key] = seen === undefined ? value : [...(Array.isArray(seen) ? seen : [seen]), value]
  }
  return out
}

function fromKafkajs(partition: number, message: KafkaMessage): ReadRecord {
  const headers: Array<[string, string]> = []
  for (const [key, value] of Object.entries(message.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.push([key, one === undefined ? '<null header>' : one.toString('utf8')])
  }
  return {
    partition,
    offset: Number(message.offset),
    timestamp: Number(message.timestamp),
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value === null ? null : message.value.toString('utf8'),
    headers,
  }
}
