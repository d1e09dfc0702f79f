/**
 * Reads assigned partitions the way Kafka's consumer does without a group: start positions
 * from ListOffsets (earliest, latest) or an explicit offset, long-polling Fetch to each
 * partition leader (on its own connection, so a parked fetch holds nothing else up), records
 * before the position skipped, OFFSET_OUT_OF_RANGE answered per auto.offset.reset.
 * A group member drives `assign` and `release` and reads `positions` to commit; nothing here
 * knows of groups.
 */
import {ErrorCode, isRetriable, KafkaError} from '../protocol/errors.js'
import {Fetch} from '../protocol/messages/01-fetch.js'
import {decodeRecordBatch, iterateBatches} from '../protocol/records.js'
import {readBatchHeader} from '../protocol/record-batch.js'
import {type AbortedTransaction, AbortedTransactionFilter} from './aborted-transactions.js'
import type {Cluster} from './cluster.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionKey} from './list-offsets.js'
import type {ConsumedRecord} from './types.js'
import {withDefaults} from './with-defaults.js'

/** Where to start reading: the log start, the end (only new records), or an exact offset. */
export type StartOffset = 'earliest' | 'latest' | number

export interface Assignment {
  topic: string
  partition: number
  start: StartOffset
}

export interface FetcherOptions {
  maxWaitMs?: number
  minBytes?: number
  /** fetch.max.bytes */
  maxBytes?: number
  /** max.partition.fetch.bytes */
  partitionMaxBytes?: number
  /** 0 read_uncommitted (the console consumer's default), 1 read_committed. */
  isolationLevel?: 0 | 1
  /** What to do when the position is outside the log (auto.offset.reset). */
  autoOffsetReset?: 'earliest' | 'latest' | 'none'
}

interface PartitionState {
  topic: string
  partition: number
  position: number
}

const DEFAULTS: Required<FetcherOptions> = {
  maxWaitMs: 500,
  minBytes: 1,
  maxBytes: 52_428_800,
  partitionMaxBytes: 1_048_576,
  isolationLevel: 0,
  autoOffsetReset: 'latest',
}

export class Fetcher {
  private readonly options: Required<FetcherOptions>
  private readonly partitions: PartitionState[] = []

  constructor(
    private readonly cluster: Cluster,
    options: FetcherOptions = {},
  ) {
    this.options = withDefaults(DEFAULTS, options)
  }

  /** Adds partitions to read, resolving 'earliest'/'latest' to offsets now. */
  async assign(assignments: Assignment[]): Promise<void> {
    const resolved = await this.listOffsets(
      assignments.filter((a) => typeof a.start !== 'number').map((a) => ({topic: a.topic, partition: a.partition, which: a.start as 'earliest' | 'latest'})),
    )
    for (const assignment of assignments) {
      const position =
        typeof assignment.start === 'number' ? assignment.start : resolved.get(partitionKey(assignment.topic, assignment.partition))!
      this.partitions.push({topic: assignment.topic, partition: assignment.partition, position})
    }
  }

  /** Stops reading these partitions (a group member gave them up); their positions are forgotten. */
  release(partitions: ReadonlyArray<{topic: string; partition: number}>): void {
    const gone = new Set(partitions.map(({topic, partition}) => partitionKey(topic, partition)))
    for (let index = this.partitions.length - 1; index >= 0; index--)
      if (gone.has(partitionKey(this.partitions[index].topic, this.partitions[index].partition))) this.partitions.splice(index, 1)
  }

  /** Sets where the next read of an assigned partition starts (records handed out but not used are read again). */
  seek(topic: string, partition: number, offset: number): void {
    const state = this.partitions.find((s) => s.topic === topic && s.partition === partition)
    if (!state) throw new RangeError(`Cannot seek ${topic}-${partition}: it is not assigned.`)
    state.position = offset
  }

  /** The next offset to read per partition (what a group member would commit). */
  positions(): Array<{topic: string; partition: number; offset: number}> {
    return this.partitions.map(({topic, partition, position}) => ({topic, partition, offset: position}))
  }

  /**
   * One round of fetches, one per leader, each parked by the broker for up to maxWaitMs when
   * there is nothing new. Resolves with the records in offset order per partition (possibly none).
   */
  async poll(): Promise<ConsumedRecord[]> {
    const byLeader = new Map<number, PartitionState[]>()
    const leaderless: string[] = []
    for (const state of this.partitions) {
      const leader = this.cluster.leaderOf(state.topic, state.partition)
      if (leader < 0) {
        leaderless.push(state.topic)
        continue
      }
      let list = byLeader.get(leader)
      if (!list) byLeader.set(leader, (list = []))
      list.push(state)
    }
    if (leaderless.length > 0) await this.cluster.refresh([...new Set(leaderless)])
    const rounds = await Promise.all([...byLeader].map(([leader, states]) => this.fetchFrom(leader, states)))
    return rounds.flat()
  }

  private async fetchFrom(leader: number, states: PartitionState[]): Promise<ConsumedRecord[]> {
    const connection = await this.cluster.connectionTo(leader, 'fetch')
    const byTopic = new Map<string, PartitionState[]>()
    for (const state of states) {
      let list = byTopic.get(state.topic)
      if (!list) byTopic.set(state.topic, (list = []))
      list.push(state)
    }
    const response = await connection.request(
      Fetch,
      {
        replicaId: -1,
        maxWaitMs: this.options.maxWaitMs,
        minBytes: this.options.minBytes,
        maxBytes: this.options.maxBytes,
        isolationLevel: this.options.isolationLevel,
        sessionId: 0,
        sessionEpoch: -1,
        topics: [...byTopic].map(([topic, list]) => ({
          topic,
          partitions: list.map((state) => ({
            partition: state.partition,
            fetchOffset: state.position,
            partitionMaxBytes: this.options.partitionMaxBytes,
          })),
        })),
        forgottenTopicsData: [],
        rackId: '',
      },
      {timeoutMs: this.options.maxWaitMs + 30_000},
    )
    if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode)
    const records: ConsumedRecord[] = []
    const stale = new Set<string>()
    const outOfRange: PartitionState[] = []
    for (const topic of response.responses) {
      for (const answer of topic.partitions) {
        const state = states.find((s) => s.topic === topic.topic && s.partition === answer.partitionIndex)
        if (!state) continue
        if (answer.errorCode === ErrorCode.NONE) this.take(state, answer.records, records, this.abortedFilter(answer.abortedTransactions))
        else if (answer.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) outOfRange.push(state)
        else if (isRetriable(answer.errorCode)) stale.add(state.topic)
        else throw new KafkaError(answer.errorCode, `Fetching ${state.topic}-${state.partition}: ${new KafkaError(answer.errorCode).message}`)
      }
    }
    if (outOfRange.length > 0) await this.reset(outOfRange)
    if (stale.size > 0) await this.cluster.refresh([...stale])
    return records
  }

  /** read_committed drops what the broker lists as aborted; read_uncommitted keeps everything. */
  private abortedFilter(aborted: AbortedTransaction[] | null): AbortedTransactionFilter | null {
    return this.options.isolationLevel === 1 && aborted && aborted.length > 0 ? new AbortedTransactionFilter(aborted) : null
  }

  /**
   * Appends the records at or after the position (but control records and, under read_committed,
   * aborted ones) and moves the position past the last batch.
   */
  private take(state: PartitionState, blob: Buffer | null, out: ConsumedRecord[], aborted: AbortedTransactionFilter | null): void {
    for (const bytes of iterateBatches(blob)) {
      const header = readBatchHeader(bytes)
      const next = header.baseOffset + header.lastOffsetDelta + 1
      if (next <= state.position) continue
      const batch = decodeRecordBatch(bytes)
      // Every batch goes through the filter, in order: it learns where aborted transactions end.
      const dropped = aborted?.drops(batch) ?? false
      if (!batch.control && !dropped) {
        const timestampType = batch.logAppendTime ? 'LogAppendTime' : 'CreateTime'
        for (const record of batch.records) {
          if (record.offset < state.position) continue
          out.push({
            topic: state.topic,
            partition: state.partition,
            offset: record.offset,
            timestamp: record.timestamp,
            timestampType,
            leaderEpoch: header.partitionLeaderEpoch,
            key: record.key,
            value: record.value,
            headers: record.headers,
          })
        }
      }
      state.position = next
    }
  }

  /** auto.offset.reset for positions the broker says are outside the log. */
  private async reset(states: PartitionState[]): Promise<void> {
    const policy = this.options.autoOffsetReset
    if (policy === 'none') {
      const [first] = states
      throw new KafkaError(
        ErrorCode.OFFSET_OUT_OF_RANGE,
        `Offset ${first.position} is out of range for ${first.topic}-${first.partition}, and auto.offset.reset is none.`,
      )
    }
    const offsets = await this.listOffsets(states.map(({topic, partition}) => ({topic, partition, which: policy})))
    for (const state of states) state.position = offsets.get(partitionKey(state.topic, state.partition))!
  }

  /** Where 'earliest' / 'latest' are now for each partition. */
  private async listOffsets(wanted: Array<{topic: string; partition: number; which: 'earliest' | 'latest'}>): Promise<Map<string, number>> {
    const answers = await listOffsets(
      this.cluster,
      wanted.map(({topic, partition, which}) => ({topic, partition, timestamp: which === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP})),
      this.options.isolationLevel,
    )
    return new Map([...answers].map(([at, answer]) => [at, answer.offset]))
  }
}
