/**
 * What producer-perf-test and end-to-end-latency measure, kept the way Kafka's tools keep it:
 * per-record latencies in whole milliseconds, a reporting window that closes on the first
 * acknowledgement after its interval, and percentiles read from a sorted sample of at most
 * 500,000 latencies (every n-th record), at index ⌊p·size⌋.
 */

const MAX_SAMPLES = 500_000
const MB = 1024 * 1024

/** Kafka's percentile rule over the first `count` entries of `samples` (sorted in place). */
export function percentiles(samples: Int32Array, count: number, wanted: readonly number[]): number[] {
  const size = Math.min(count, samples.length)
  if (size === 0) return wanted.map(() => 0)
  const sorted = samples.subarray(0, size).sort()
  return wanted.map((p) => sorted[Math.min(size - 1, Math.floor(p * size))])
}

/** One reporting window of producer-perf-test: Kafka's progress line. */
export interface ProducerWindow {
  records: number
  recordsPerSec: number
  mbPerSec: number
  avgLatencyMs: number
  maxLatencyMs: number
}

/** The whole run: Kafka's final line, and the object `--json` prints. */
export interface ProducerSummary extends ProducerWindow {
  latencyPercentilesMs: {p50: number; p95: number; p99: number; p999: number}
}

export class ProducerPerfStats {
  private readonly samples: Int32Array
  private readonly sampling: number
  private iteration = 0
  private sampled = 0
  private count = 0
  private bytes = 0
  private totalLatency = 0
  private maxLatency = 0
  private windowStart: number
  private windowCount = 0
  private windowBytes = 0
  private windowTotalLatency = 0
  private windowMaxLatency = 0

  /** Off once the steady-state stats of --warmup-records take over the progress lines. */
  private printingWindows = true

  constructor(
    numRecords: number,
    private readonly start: number,
    private readonly onWindow: (window: ProducerWindow) => void,
    private readonly reportingIntervalMs = 5_000,
  ) {
    this.sampling = Math.max(1, Math.floor(numRecords / Math.min(numRecords, MAX_SAMPLES)))
    this.samples = new Int32Array(Math.floor(numRecords / this.sampling) + 1)
    this.windowStart = start
  }

  get recorded(): number {
    return this.count
  }

  /** One acknowledged record: its latency in whole ms, its value bytes, and the time it was acknowledged. */
  record(latencyMs: number, bytes: number, now: number): void {
    this.count++
    this.bytes += bytes
    this.totalLatency += latencyMs
    if (latencyMs > this.maxLatency) this.maxLatency = latencyMs
    this.windowCount++
    this.windowBytes += bytes
    this.windowTotalLatency += latencyMs
    if (latencyMs > this.windowMaxLatency) this.windowMaxLatency = latencyMs
    if (this.iteration % this.sampling === 0 && this.sampled < this.samples.length) this.samples[this.sampled++] = latencyMs
    this.iteration++
    if (now - this.windowStart >= this.reportingIntervalMs) {
      if (this.printingWindows)
        this.onWindow(rates(this.windowCount, this.windowBytes, this.windowTotalLatency, this.windowMaxLatency, now - this.windowStart))
      this.windowStart = now
      this.windowCount = 0
      this.windowBytes = 0
      this.windowTotalLatency = 0
      this.windowMaxLatency = 0
    }
  }

  stopPrintingWindows(): void {
    this.printingWindows = false
  }

  summary(now: number): ProducerSummary {
    const [p50, p95, p99, p999] = percentiles(this.samples, this.sampled, [0.5, 0.95, 0.99, 0.999])
    return {
      ...rates(this.count, this.bytes, this.totalLatency, this.maxLatency, now - this.start),
      latencyPercentilesMs: {p50, p95, p99, p999},
    }
  }
}

function rates(records: number, bytes: number, totalLatency: number, maxLatency: number, elapsedMs: number): ProducerWindow {
  const elapsed = Math.max(elapsedMs, 1)
  return {
    records,
    recordsPerSec: (1000 * records) / elapsed,
    mbPerSec: (1000 * bytes) / elapsed / MB,
    avgLatencyMs: records === 0 ? 0 : totalLatency / records,
    maxLatencyMs: maxLatency,
  }
}

/** `%d records sent, %.1f records/sec (%.2f MB/sec), %.1f ms avg latency, %.1f ms max latency.` */
export function formatProducerWindow(window: ProducerWindow): string {
  return (
    `${window.records} records sent, ${window.recordsPerSec.toFixed(1)} records/sec (${window.mbPerSec.toFixed(2)} MB/sec), ` +
    `${window.avgLatencyMs.toFixed(1)} ms avg latency, ${window.maxLatencyMs.toFixed(1)} ms max latency.`
  )
}

/**
 * Kafka's final line: records/sec as Java's %f (six decimals, as Kafka 4.3.1 prints it), the other
 * fields at two, then the four percentiles in whole ms. With --warmup-records the steady-state
 * line says `steady state records sent`.
 */
export function formatProducerSummary(summary: ProducerSummary, what = 'records'): string {
  const {p50, p95, p99, p999} = summary.latencyPercentilesMs
  return (
    `${summary.records} ${what} sent, ${summary.recordsPerSec.toFixed(6)} records/sec (${summary.mbPerSec.toFixed(2)} MB/sec), ` +
    `${summary.avgLatencyMs.toFixed(2)} ms avg latency, ${summary.maxLatencyMs.toFixed(2)} ms max latency, ` +
    `${p50} ms 50th, ${p95} ms 95th, ${p99} ms 99th, ${p999} ms 99.9th.`
  )
}
