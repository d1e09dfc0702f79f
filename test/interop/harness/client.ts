/**
 * What every client family offers the scenarios. A family that cannot do something throws
 * Unsupported with the reason, and the matrix shows a skip rather than a failure.
 */
import type {OutRecord, ReadRecord} from './records.js'

export type Acks = 0 | 1 | -1
export type Codec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd'

export interface ProduceOptions {
  acks?: Acks
  compression?: Codec
  idempotent?: boolean
  /** The broker to send to instead of the suite's daemon (the fault-injecting proxy). */
  bootstrap?: string
  /** The connection will be closed under a Produce in flight: the client must reconnect and retry. */
  connectionDrops?: boolean
}

export type StartAt = 'earliest' | 'latest' | {offset: number} | {timestamp: number}

export interface ReadOptions {
  partition?: number
  from: StartAt
  /** Stop after this many records. */
  count: number
  /** Give up (and return what arrived) after this long. */
  timeoutMs?: number
  /** Read at read_committed; clients whose default it is (kafkajs, librdkafka, @platformatic/kafka) need no telling. */
  readCommitted?: boolean
}

export interface TopicDescription {
  partitions: number
  configs: Record<string, string>
}

/** A consumer in a group, running until stopped; `received` grows as records arrive. */
export interface GroupMember {
  readonly received: readonly ReadRecord[]
  /** Leaves the group the way the client normally does on shutdown (committing its offsets). */
  stop(): Promise<void>
  /** The client's own diagnostics, for a failure message. */
  diagnostics(): string
}

export interface InteropClient {
  /** The matrix column. */
  readonly name: string
  /** Fetches the peer into the cache if needed; returns its version for the matrix header. */
  prepare(): Promise<string>
  listTopics(): Promise<string[]>
  createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void>
  describeTopic(name: string): Promise<TopicDescription>
  deleteTopic(name: string): Promise<void>
  /**
   * Writes the records in order to partition 0 of `topic` (its scenarios use one-partition topics).
   * Returns whether the records' own timestamps were written (some tools cannot set them).
   */
  produce(topic: string, records: readonly OutRecord[], opts?: ProduceOptions): Promise<{timestampsWritten: boolean}>
  read(topic: string, opts: ReadOptions): Promise<ReadRecord[]>
  joinGroup(topic: string, group: string): Promise<GroupMember>
  /** Grows a topic to `total` partitions (CreatePartitions). */
  createPartitions(topic: string, total: number): Promise<void>
  /** Sets one topic config, leaving the others alone where the client can (IncrementalAlterConfigs). */
  alterTopicConfig(topic: string, name: string, value: string): Promise<void>
  /** Deletes partition 0's records below `offset` (DeleteRecords). */
  deleteRecordsBefore(topic: string, offset: number): Promise<void>
  listGroups(): Promise<string[]>
  /** The group's committed offset per partition of `topic`. */
  committedOffsets(group: string, topic: string): Promise<Record<number, number>>
  /**
   * The client's producer perf tool writes `count` records of `recordSize` bytes to `topic` unthrottled,
   * then its consumer perf tool reads them back; for the families that ship such tools.
   */
  perfTools?(topic: string, count: number, recordSize: number): Promise<PerfToolsRun>
  /**
   * Starts Kafka Streams' WordCountDemo, which counts the words of streams-plaintext-input into
   * streams-wordcount-output; for the families that have Kafka Streams. `exactlyOnce` runs it
   * with processing.guarantee=exactly_once_v2 (transactions) under its own application id.
   */
  startWordCount?(opts: {exactlyOnce: boolean}): RunningApp
  /**
   * Writes to partition 0 of `topic` as the transactional producer `transactionalId`, one
   * transaction per entry, each committed or aborted as listed; for the families with
   * transactions. `readCommitted` then reads the topic back at read_committed.
   */
  produceTransactions?(topic: string, transactionalId: string, transactions: readonly TransactionPlan[]): Promise<void>
}

export interface TransactionPlan {
  values: string[]
  commit: boolean
}

/** An application that runs until stopped. */
export interface RunningApp {
  /** SIGTERM, as a user stops it: the app closes and leaves its group. */
  stop(): Promise<void>
  /** The app's own diagnostics, for a failure message. */
  diagnostics(): string
}

/** What the two perf tools reported in their closing summaries. */
export interface PerfToolsRun {
  /** The producer tool's final "N records sent, …" line and its N. */
  producerSummary: string
  produced: number
  /** The consumer tool's stats header and data line, and the data.consumed.in.nMsg column. */
  consumerSummary: string
  consumed: number
}

export class Unsupported extends Error {}

/** Every timeout a scenario uses, so no peer waits longer than its scenario allows. */
export const READ_TIMEOUT_MS = 20_000
