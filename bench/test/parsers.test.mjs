import {describe, expect, it} from 'vitest'
import {natsRate, redisRps} from '../lib/alternatives.mjs'
import {parseConsumerStats, parseProducerSummary} from '../lib/kafka-loads.mjs'

describe("the load generators' output", () => {
  it("reads ProducerPerformance's closing line", () => {
    const stdout = [
      '121345 records sent, 24269.0 records/sec (2.31 MB/sec), 650.2 ms avg latency, 900.0 ms max latency.',
      '200000 records sent, 42435.815829 records/sec (4.05 MB/sec), 1499.26 ms avg latency, 1880.00 ms max latency, 1622 ms 50th, 1858 ms 95th, 1874 ms 99th, 1879 ms 99.9th.',
    ].join('\n')
    expect(parseProducerSummary(stdout)).toEqual({
      sent: 200000, recordsPerSec: 42435.815829, mbPerSec: 4.05, avgMs: 1499.26, maxMs: 1880, p50Ms: 1622, p95Ms: 1858, p99Ms: 1874, p999Ms: 1879,
    })
  })

  it('finds no producer summary in a progress line alone', () => {
    expect(parseProducerSummary('121345 records sent, 24269.0 records/sec (2.31 MB/sec), 650.2 ms avg latency, 900.0 ms max latency.')).toBeNull()
  })

  it("reads ConsumerPerformance's stats by column name, past its warnings", () => {
    const stdout = [
      'Warning: --messages is deprecated. Use --num-records instead.',
      'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
      '2026-11-24 16:27:09:664, 2026-11-24 16:27:14:865, 19.0735, 3.6673, 200000, 38454.1434, 4023, 1178, 16.1914, 169779.2869',
    ].join('\n')
    expect(parseConsumerStats(stdout)).toEqual({records: 200000, rebalanceMs: 4023, fetchMbPerSec: 16.1914, fetchRecordsPerSec: 169779.2869})
    expect(parseConsumerStats('start.time, end.time\n')).toBeNull()
  })

  it('reads nats bench and redis-benchmark rates', () => {
    const nats = 'NATS JetStream asynchronous publisher stats: 135,642 msgs/sec ~ 13 MiB/sec ~ min: 1,288.99us'
    expect(natsRate(nats, 100)).toEqual({value: 135642, mbPerSec: (135642 * 100) / 2 ** 20})
    expect(() => natsRate('error: nats: no servers available', 100)).toThrow(/no rate/)
    const csv = '"test","rps","avg_latency_ms"\n"XADD s100 * f AAAA","127877.23","6.045"\n'
    expect(redisRps(csv)).toBe(127877.23)
    expect(() => redisRps('"test","rps"\n')).toThrow(/no rate/)
  })
})
