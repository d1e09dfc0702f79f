/**
 * producer-perf-test's --throughput: records are sent no faster than the target rate on
 * average since the start. The sender asks before each record how long to hold back; waits
 * shorter than a millisecond are skipped (a timer cannot honour them), so records go out in
 * small bursts that average out to the target, as Kafka's ThroughputThrottler does.
 */
export class Throttle {
  private readonly msPerRecord: number

  /** `recordsPerSec` below zero means no limit. */
  constructor(
    recordsPerSec: number,
    private readonly start: number,
  ) {
    this.msPerRecord = recordsPerSec < 0 ? 0 : 1000 / recordsPerSec
  }

  get unlimited(): boolean {
    return this.msPerRecord === 0
  }

  /** Milliseconds to wait before sending record number `sent` (0-based) at time `now`; 0 to go. */
  delayBefore(sent: number, now: number): number {
    if (this.msPerRecord === 0) return 0
    const due = this.start + sent * this.msPerRecord
    return due - now >= 1 ? Math.floor(due - now) : 0
  }
}
