/**
 * A subscribing consumer: a GroupMember decides which partitions to read, a Fetcher reads them.
 * Like Java's KafkaConsumer, everything happens inside `poll()` — rejoining, committing what
 * is being given up, looking up where the group left off — so records handed out are always
 * from partitions the member owns. Auto-commit stores the positions every interval, before
 * partitions are revoked and on close; records after the last commit are the only ones another
 * member can read again after a crash.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {Cluster} from './cluster.js'
import {type Assignment, Fetcher, type FetcherOptions} from './fetcher.js'
import {GroupMember, type GroupMemberOptions, type TopicPartition, WakeupError} from './group-member.js'
import type {ConsumedRecord} from './types.js'

export interface GroupConsumerOptions extends GroupMemberOptions {
  fetch?: FetcherOptions
  /** enable.auto.commit (true). */
  autoCommit?: boolean
  /** auto.commit.interval.ms (5000). */
  autoCommitIntervalMs?: number
  /** Where to report a failed commit; the consumer carries on, as Java's does. */
  warn?: (message: string) => void
  /**
   * Like Java's ConsumerRebalanceListener, told after the consumer's own work: partitions ready
   * to fetch, and partitions given up or lost (consumer-perf-test times rebalances with it).
   */
  listener?: {assigned?(partitions: TopicPartition[]): void; revoked?(partitions: TopicPartition[]): void}
}

export class GroupConsumer {
  private readonly member: GroupMember
  private readonly fetcher: Fetcher
  private readonly autoCommit: boolean
  private readonly autoCommitIntervalMs: number
  private readonly resetPolicy: 'earliest' | 'latest' | 'none'
  private readonly maxWaitMs: number
  private readonly warn: (message: string) => void
  private nextAutoCommitAt: number
  private closed = false

  constructor(
    private readonly cluster: Cluster,
    options: GroupConsumerOptions,
  ) {
    this.fetcher = new Fetcher(cluster, options.fetch)
    this.autoCommit = options.autoCommit ?? true
    this.autoCommitIntervalMs = options.autoCommitIntervalMs ?? 5_000
    this.resetPolicy = options.fetch?.autoOffsetReset ?? 'latest'
    this.maxWaitMs = options.fetch?.maxWaitMs ?? 500
    this.warn = options.warn ?? (() => {})
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs
    const listener = options.listener ?? {}
    this.member = new GroupMember(cluster, options, {
      revoked: async (partitions) => {
        await this.revoked(partitions)
        listener.revoked?.(partitions)
      },
      lost: (partitions) => {
        this.fetcher.release(partitions)
        listener.revoked?.(partitions)
      },
      assigned: async (partitions) => {
        await this.assigned(partitions)
        listener.assigned?.(partitions)
      },
    })
  }

  get groupId(): string {
    return this.member.groupId
  }

  /** The partitions this consumer reads now. */
  assignment(): readonly TopicPartition[] {
    return this.member.assignment
  }

  /**
   * Rejoins if due, auto-commits if due, then one round of fetches. Resolves with no records
   * when nothing arrived within the fetch wait (or the consumer was woken up to close).
   */
  async poll(): Promise<ConsumedRecord[]> {
    try {
      await this.member.ensureActive()
      if (this.autoCommit && Date.now() >= this.nextAutoCommitAt) await this.commitQuietly()
      if (this.member.assignment.length === 0) {
        await this.member.waitForRebalance(this.maxWaitMs)
        return []
      }
      return await this.fetcher.poll()
    } catch (error) {
      if (error instanceof WakeupError && this.closed) return []
      throw error
    }
  }

  /** Reads `topics` from now on; new ones are assigned by a rebalance at the next poll. */
  subscribe(topics: readonly string[]): void {
    this.member.subscribe(topics)
  }

  /** Moves the next read (and the next commit) of a partition this consumer owns back or forth. */
  seek(topic: string, partition: number, offset: number): void {
    this.fetcher.seek(topic, partition, offset)
  }

  /** Commits the position of every owned partition now. */
  async commit(): Promise<void> {
    await this.member.commit(this.fetcher.positions())
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs
  }

  /** Ends a poll that waits on the coordinator; call close() next. */
  wakeup(): void {
    this.closed = true
    this.member.wakeup()
  }

  /** Commits (with auto-commit on) and leaves the group, so the others take the partitions at once. */
  async close(): Promise<void> {
    this.closed = true
    if (this.autoCommit && this.member.identity.generationId >= 0) await this.commitQuietly()
    await this.member.leave()
  }

  private async commitQuietly(partitions?: readonly TopicPartition[]): Promise<void> {
    const wanted = partitions && new Set(partitions.map(({topic, partition}) => `${topic}\0${partition}`))
    const positions = this.fetcher.positions().filter(({topic, partition}) => !wanted || wanted.has(`${topic}\0${partition}`))
    try {
      await this.member.commit(positions)
    } catch (error) {
      this.warn(`Committing offsets of group '${this.member.groupId}' failed: ${(error as Error).message}`)
    } finally {
      this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs
    }
  }

  private async revoked(partitions: TopicPartition[]): Promise<void> {
    if (this.autoCommit) await this.commitQuietly(partitions)
    this.fetcher.release(partitions)
  }

  /** New partitions start at the group's committed offset, or where auto.offset.reset says. */
  private async assigned(partitions: TopicPartition[]): Promise<void> {
    const unknownLeaders = [...new Set(partitions.filter((p) => this.cluster.leaderOf(p.topic, p.partition) < 0).map((p) => p.topic))]
    if (unknownLeaders.length > 0) await this.cluster.refresh(unknownLeaders)
    const committed = new Map((await this.member.committed(partitions)).map((entry) => [`${entry.topic}\0${entry.partition}`, entry.offset]))
    const starts: Assignment[] = partitions.map(({topic, partition}) => {
      const offset = committed.get(`${topic}\0${partition}`) ?? -1
      if (offset >= 0) return {topic, partition, start: offset}
      if (this.resetPolicy === 'none')
        throw new KafkaError(
          ErrorCode.OFFSET_OUT_OF_RANGE,
          `Group '${this.member.groupId}' has no committed offset for ${topic}-${partition}, and auto.offset.reset is none.`,
        )
      return {topic, partition, start: this.resetPolicy}
    })
    await this.fetcher.assign(starts)
  }
}
