import {describe, expect, it} from 'vitest'
import type {ConsumedRecord} from '../../../src/client/types.js'
import {ConsumerPerfRun, RebalanceTimer, type RecordSource} from '../../../src/cli/perf-consumer.js'
import {
  consumerHeader,
  consumerSummary,
  formatConsumerInterval,
  formatConsumerSummary,
} from '../../../src/cli/perf-consumer-stats.js'
import {DEFAULT_DATE_FORMAT, dateFormatter, javaDouble} from '../../../src/cli/perf-format.js'

const record = (value: string, key: string | null = null): ConsumedRecord => ({
  topic: 't',
  partition: 0,
  offset: 0,
  timestamp: 0,
  timestampType: 'CreateTime',
  leaderEpoch: 0,
  key: key === null ? null : Buffer.from(key),
  value: Buffer.from(value),
  headers: [],
})

/** Hands out prepared poll results in turn, then empty polls. */
function scripted(polls: ConsumedRecord[][]): RecordSource & {polls: number} {
  const source = {
    polls: 0,
    async poll() {
      return polls[source.polls++] ?? []
    },
  }
  return source
}

describe('ConsumerPerfRun', () => {
  it('counts key and value bytes and stops at --messages, even mid-poll', async () => {
    const source = scripted([[record('aaaa', 'k'), record('bb')], [record('ccc'), record('dddd')]])
    const run = new ConsumerPerfRun(source, {messages: 3, timeoutMs: 10_000, reportingIntervalMs: 5_000})
    const result = await run.run()
    expect(result.incomplete).toBe(false)
    expect(result.totals).toMatchObject({messages: 3, bytes: 5 + 2 + 3, rebalanceMs: 0})
    expect(source.polls).toBe(2)
  })

  it('gives up after --timeout without records and says the run is incomplete', async () => {
    const source = scripted([[record('x')]])
    const result = await new ConsumerPerfRun(source, {messages: 5, timeoutMs: 0, reportingIntervalMs: 5_000}).run()
    expect(result.incomplete).toBe(true)
    expect(result.totals.messages).toBe(1)
  })

  it("reports the rebalance listener's joining time, in total and per interval", async () => {
    let now = 0
    const timer = new RebalanceTimer(() => now)
    const p0 = [{topic: 't', partition: 0}]
    const steps = [
      () => timer.assigned(p0),
      () => timer.revoked(p0),
      () => timer.assigned(p0),
    ]
    const rows: number[] = []
    const source: RecordSource = {
      async poll() {
        now += 100
        steps.shift()?.()
        return [record('x')]
      },
    }
    const result = await new ConsumerPerfRun(source, {
      messages: 3,
      timeoutMs: 10_000,
      reportingIntervalMs: 0,
      clock: () => now,
      rebalance: timer,
      onInterval: (row) => rows.push(row.rebalanceMs),
    }).run()
    expect(result.totals).toMatchObject({messages: 3, startMs: 0, endMs: 300, rebalanceMs: 100 + 100})
    expect(rows).toEqual([100, 0, 100])
  })

  it('reports an interval row after each --reporting-interval that saw records', async () => {
    const rows: number[] = []
    const source = scripted([[record('a')], [record('b')], [record('c')]])
    await new ConsumerPerfRun(source, {messages: 3, timeoutMs: 10_000, reportingIntervalMs: 0, onInterval: (row) => rows.push(row.messages)}).run()
    expect(rows).toEqual([1, 2, 3])
  })
})

describe('RebalanceTimer', () => {
  it('runs from the start until the first assignment, and again from losing the last partition', () => {
    let now = 1_000
    const timer = new RebalanceTimer(() => now)
    now = 1_250
    timer.assigned([{topic: 't', partition: 0}, {topic: 't', partition: 1}])
    now = 2_000
    timer.revoked([{topic: 't', partition: 0}])
    now = 2_100
    timer.assigned([{topic: 't', partition: 2}])
    expect(timer.total).toBe(250)
    now = 3_000
    timer.revoked([{topic: 't', partition: 1}, {topic: 't', partition: 2}])
    now = 3_040
    timer.assigned([])
    expect(timer.total).toBe(290)
    expect(timer.takeInterval()).toBe(290)
    expect(timer.takeInterval()).toBe(0)
  })
})

describe("consumer-perf-test's columns", () => {
  const utcLike = (epochMs: number) => String(epochMs)

  it("has Kafka's two headers", () => {
    expect(consumerHeader(false)).toBe(
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    )
    expect(consumerHeader(true)).toBe(
      'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    )
  })

  it('computes the summary row: overall rates over the run, fetch rates over the run minus the rebalance', () => {
    const summary = consumerSummary({startMs: 1_000, endMs: 6_000, bytes: 100 * 1024 * 1024, messages: 100_000, rebalanceMs: 1_000})
    expect(formatConsumerSummary(summary, utcLike)).toBe('1000, 6000, 100.0000, 20.0000, 100000, 20000.0000, 1000, 4000, 25.0000, 25000.0000')
  })

  it('prints NaN and Infinity as Java does when no time passed', () => {
    const summary = consumerSummary({startMs: 5, endMs: 5, bytes: 0, messages: 0, rebalanceMs: 0})
    expect(formatConsumerSummary(summary, utcLike)).toBe('5, 5, 0.0000, NaN, 0, NaN, 0, 0, NaN, NaN')
  })

  it('computes an interval row from the interval, with the rebalance inside it taken out of the fetch time', () => {
    const row = formatConsumerInterval(
      {startMs: 0, endMs: 2_000, bytes: 3 * 1024 * 1024, lastBytes: 1024 * 1024, messages: 300, lastMessages: 100, rebalanceMs: 1_000},
      utcLike,
    )
    expect(row).toBe('2000, 0, 3.0000, 1.0000, 300, 100.0000, 1000, 1000, 2.0000, 200.0000')
  })
})

describe('dateFormatter', () => {
  it("formats Kafka's default pattern in local time", () => {
    const at = new Date(2024, 9, 25, 9, 5, 7, 42).getTime()
    expect(dateFormatter(DEFAULT_DATE_FORMAT)(at)).toBe('2024-10-25 09:05:07:042')
  })

  it('handles 12-hour clocks, two-digit years and quoted text', () => {
    const at = new Date(2024, 0, 2, 15, 4, 0, 0).getTime()
    expect(dateFormatter("yy/M/d h:mm a 'at' ''")(at)).toBe("24/1/2 3:04 PM at '")
  })

  it('refuses letters it cannot format rather than printing them wrong', () => {
    expect(() => dateFormatter('yyyy-ww')).toThrow(/Date format letter 'w'/)
    expect(() => dateFormatter("yyyy 'open")).toThrow(/Unterminated quote/)
  })
})

describe('javaDouble', () => {
  it("prints like Java's Double.toString for elapsed milliseconds", () => {
    expect(javaDouble(12)).toBe('12.0')
    expect(javaDouble(0.248751)).toBe('0.248751')
  })
})
