/**
 * consumer-perf-test's read loop, as Kafka's ConsumerPerformance runs it: poll until --messages
 * records arrived or none came for --timeout ms, counting key and value bytes, with a row per
 * --reporting-interval for --show-detailed-stats. Time spent without any partition (joining the
 * group) is the rebalance time, measured by a rebalance listener as Kafka's tool does.
 */
import type {ConsumedRecord} from '../client/types.js'
import type {ConsumerInterval, ConsumerTotals} from './perf-consumer-stats.js'

/** What the loop reads from: a group consumer, or a fetcher that owns every partition. */
export interface RecordSource {
  poll(): Promise<ConsumedRecord[]>
}

interface Partition {
  topic: string
  partition: number
}

/**
 * Kafka's ConsumerPerfRebListener: the clock runs from the start (or from losing the last
 * partition) until partitions are assigned again.
 */
export class RebalanceTimer {
  private readonly owned = new Set<string>()
  private joinStart: number
  private totalMs = 0
  private intervalMs = 0

  constructor(private readonly clock: () => number = Date.now) {
    this.joinStart = clock()
  }

  /** Starts the clock afresh when consuming starts, so the joining time never exceeds the run. */
  begin(now: number): void {
    this.joinStart = now
  }

  get total(): number {
    return this.totalMs
  }

  /** The joining time since the last call (for an interval row). */
  takeInterval(): number {
    const taken = this.intervalMs
    this.intervalMs = 0
    return taken
  }

  assigned(partitions: readonly Partition[]): void {
    if (this.owned.size === 0) {
      const elapsed = this.clock() - this.joinStart
      this.totalMs += elapsed
      this.intervalMs += elapsed
    }
    for (const {topic, partition} of partitions) this.owned.add(`${topic}\0${partition}`)
  }

  revoked(partitions: readonly Partition[]): void {
    for (const {topic, partition} of partitions) this.owned.delete(`${topic}\0${partition}`)
    if (this.owned.size === 0) this.joinStart = this.clock()
  }
}

export interface ConsumerPerfPlan {
  messages: number
  timeoutMs: number
  reportingIntervalMs: number
  /** Called each reporting interval (for --show-detailed-stats). */
  onInterval?: (interval: ConsumerInterval) => void
  /** Milliseconds since the epoch; injected so tests control time. */
  clock?: () => number
  /** Joining time so far; none without a group. */
  rebalance?: {readonly total: number; begin(now: number): void; takeInterval(): number}
}

export interface ConsumerPerfResult {
  totals: ConsumerTotals
  /** Fewer than --messages arrived before the timeout (or Ctrl-C). */
  incomplete: boolean
}

export class ConsumerPerfRun {
  private stopped = false
  private messages = 0

  constructor(
    private readonly source: RecordSource,
    private readonly plan: ConsumerPerfPlan,
  ) {}

  get consumed(): number {
    return this.messages
  }

  /** Ends the loop after the current poll (Ctrl-C); the totals so far are still reported. */
  stop(): void {
    this.stopped = true
  }

  async run(): Promise<ConsumerPerfResult> {
    const {messages: wanted, timeoutMs, reportingIntervalMs, onInterval, clock = Date.now, rebalance} = this.plan
    const startMs = clock()
    rebalance?.begin(startMs)
    let bytes = 0
    let now = startMs
    let lastConsumedMs = startMs
    let lastReportMs = startMs
    let lastBytes = 0
    let lastMessages = 0
    while (!this.stopped && this.messages < wanted && now - lastConsumedMs <= timeoutMs) {
      const records = await this.source.poll()
      now = clock()
      if (records.length > 0) lastConsumedMs = now
      const take = Math.min(records.length, wanted - this.messages)
      for (let index = 0; index < take; index++) {
        const {key, value} = records[index]
        if (key) bytes += key.length
        if (value) bytes += value.length
      }
      this.messages += take
      if (take > 0 && now - lastReportMs >= reportingIntervalMs) {
        onInterval?.({
          startMs: lastReportMs,
          endMs: now,
          bytes,
          lastBytes,
          messages: this.messages,
          lastMessages,
          rebalanceMs: rebalance?.takeInterval() ?? 0,
        })
        lastReportMs = now
        lastBytes = bytes
        lastMessages = this.messages
      }
    }
    return {
      totals: {startMs, endMs: clock(), bytes, messages: this.messages, rebalanceMs: rebalance?.total ?? 0},
      incomplete: this.messages < wanted,
    }
  }
}
