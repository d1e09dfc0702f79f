import {describe, expect, it} from 'vitest'
import {formatMetrics} from '../../../src/cli/perf-metrics.js'
import {
  formatProducerSummary,
  formatProducerWindow,
  percentiles,
  ProducerPerfStats,
  type ProducerWindow,
} from '../../../src/cli/perf-stats.js'
import {Throttle} from '../../../src/cli/perf-throttle.js'

describe('percentiles', () => {
  it("reads index ⌊p·size⌋ of the sorted sample, as Kafka's tools do", () => {
    const samples = Int32Array.from([9, 1, 8, 2, 7, 3, 6, 4, 5, 0])
    expect(percentiles(samples, 10, [0.5, 0.95, 0.99, 0.999])).toEqual([5, 9, 9, 9])
    expect(percentiles(samples, 10, [0])).toEqual([0])
  })

  it('uses only the filled part of the sample, and reports zeros when nothing was recorded', () => {
    const samples = Int32Array.from([30, 10, 20, 0, 0])
    expect(percentiles(samples, 3, [0.5])).toEqual([20])
    expect(percentiles(new Int32Array(4), 0, [0.5, 0.99])).toEqual([0, 0])
  })
})

describe('ProducerPerfStats', () => {
  it('closes a window on the first acknowledgement after the interval, with that window only', () => {
    const windows: ProducerWindow[] = []
    const stats = new ProducerPerfStats(100, 0, (window) => windows.push(window), 5_000)
    stats.record(2, 100, 1_000)
    stats.record(4, 100, 4_999)
    expect(windows).toEqual([])
    stats.record(6, 100, 5_000)
    expect(windows).toEqual([{records: 3, recordsPerSec: 0.6, mbPerSec: (1000 * 300) / 5000 / 1048576, avgLatencyMs: 4, maxLatencyMs: 6}])
    stats.record(1, 100, 10_000)
    expect(windows[1]).toMatchObject({records: 1, avgLatencyMs: 1, maxLatencyMs: 1})
  })

  it('summarises the whole run: rates from the start, latency average, maximum and percentiles', () => {
    const stats = new ProducerPerfStats(1_000, 0, () => {})
    for (let latency = 0; latency < 1_000; latency++) stats.record(latency, 1_024, 100)
    expect(stats.summary(2_000)).toEqual({
      records: 1_000,
      recordsPerSec: 500,
      mbPerSec: (1000 * 1_024_000) / 2000 / 1048576,
      avgLatencyMs: 499.5,
      maxLatencyMs: 999,
      latencyPercentilesMs: {p50: 500, p95: 950, p99: 990, p999: 999},
    })
  })

  it('samples every n-th latency once there are more than 500,000 records', () => {
    const stats = new ProducerPerfStats(1_500_000, 0, () => {})
    for (let index = 0; index < 1_500_000; index++) stats.record(index % 3 === 0 ? 7 : 1, 1, 1)
    // Every third record is sampled: all of them took 7 ms.
    expect(stats.summary(1_000).latencyPercentilesMs).toEqual({p50: 7, p95: 7, p99: 7, p999: 7})
    expect(stats.recorded).toBe(1_500_000)
  })
})

describe("producer-perf-test's lines", () => {
  it("prints the progress line in Kafka's format", () => {
    expect(formatProducerWindow({records: 249_971, recordsPerSec: 49_974.2, mbPerSec: 4.766, avgLatencyMs: 3.21, maxLatencyMs: 245})).toBe(
      '249971 records sent, 49974.2 records/sec (4.77 MB/sec), 3.2 ms avg latency, 245.0 ms max latency.',
    )
  })

  it("prints the final line in Kafka's format", () => {
    const line = formatProducerSummary({
      records: 100_000,
      recordsPerSec: 49_975,
      mbPerSec: 4.7659,
      avgLatencyMs: 3.2111,
      maxLatencyMs: 245,
      latencyPercentilesMs: {p50: 2, p95: 8, p99: 12, p999: 20},
    })
    expect(line).toBe(
      '100000 records sent, 49975.000000 records/sec (4.77 MB/sec), 3.21 ms avg latency, 245.00 ms max latency, 2 ms 50th, 8 ms 95th, 12 ms 99th, 20 ms 99.9th.',
    )
  })
})

describe('formatMetrics', () => {
  it("lays metrics out as Kafka's ToolsUtils does: sorted, padded, three decimals", () => {
    const tags = {'client-id': 'perf-producer-client'}
    expect(
      formatMetrics([
        {group: 'producer-metrics', name: 'record-send-total', tags, value: 1000},
        {group: 'producer-metrics', name: 'record-error-total', tags, value: 0},
      ]),
    ).toBe(
      [
        '',
        'Metric Name                                                            Value',
        'producer-metrics:record-error-total:{client-id=perf-producer-client} : 0.000',
        'producer-metrics:record-send-total:{client-id=perf-producer-client}  : 1000.000',
      ].join('\n'),
    )
  })
})

describe('Throttle', () => {
  it('never holds back without a limit', () => {
    const throttle = new Throttle(-1, 0)
    expect(throttle.unlimited).toBe(true)
    expect(throttle.delayBefore(1_000_000, 0)).toBe(0)
  })

  it('holds each record back until its turn at the target rate', () => {
    const throttle = new Throttle(100, 1_000)
    expect(throttle.delayBefore(0, 1_000)).toBe(0)
    expect(throttle.delayBefore(1, 1_000)).toBe(10)
    expect(throttle.delayBefore(50, 1_200)).toBe(300)
    // Behind schedule: no wait, it catches up.
    expect(throttle.delayBefore(5, 2_000)).toBe(0)
  })

  it('skips waits shorter than a millisecond, so fast targets send in small bursts', () => {
    const throttle = new Throttle(10_000, 0)
    expect(throttle.delayBefore(5, 0)).toBe(0)
    expect(throttle.delayBefore(25, 0)).toBe(2)
  })
})
