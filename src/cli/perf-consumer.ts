/**
 * consumer-perf-test's read loop, as Kafka's ConsumerPerformance runs it: poll until --messages
 * records arrived or none came for --timeout ms, counting key and value bytes, with a row per
 * --reporting-interval for --show-detailed-stats. Time spent without any partition (joining the
 * group) is the rebalance time; it is noticed at poll granularity, since joining happens inside
 * the group consumer's poll.
 */
import type {ConsumedRecord} from '../client/types.js'
import type {ConsumerInterval, ConsumerTotals} from './perf-consumer-stats.js'

/** What the loop reads from: a group consumer, or a fetcher that owns every partition. */
export interface RecordSource {
  poll(): Promise<ConsumedRecord[]>
  /** Whether partitions are assigned now (always, without a group). */
  hasPartitions(): boolean
}

export interface ConsumerPerfPlan {
  messages: number
  timeoutMs: number
  reportingIntervalMs: number
  /** Called each reporting interval (for --show-detailed-stats). */
  onInterval?: (interval: ConsumerInterval) => void
  /** Milliseconds since the epoch; injected so tests control time. */
  clock?: () => number
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
    const {messages: wanted, timeoutMs, reportingIntervalMs, onInterval, clock = Date.now} = this.plan
    const startMs = clock()
    let bytes = 0
    let rebalanceMs = 0
    let rebalanceInInterval = 0
    let joinStart = startMs
    let joined = this.source.hasPartitions()
    let now = startMs
    let lastConsumedMs = startMs
    let lastReportMs = startMs
    let lastBytes = 0
    let lastMessages = 0
    while (!this.stopped && this.messages < wanted && now - lastConsumedMs <= timeoutMs) {
      const records = await this.source.poll()
      now = clock()
      const assigned = this.source.hasPartitions()
      if (assigned && !joined) {
        rebalanceMs += now - joinStart
        rebalanceInInterval += now - joinStart
      } else if (!assigned && joined) joinStart = now
      joined = assigned
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
          rebalanceMs: rebalanceInInterval,
        })
        rebalanceInInterval = 0
        lastReportMs = now
        lastBytes = bytes
        lastMessages = this.messages
      }
    }
    return {
      totals: {startMs, endMs: clock(), bytes, messages: this.messages, rebalanceMs},
      incomplete: this.messages < wanted,
    }
  }
}
