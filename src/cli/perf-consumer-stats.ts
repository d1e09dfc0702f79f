/**
 * consumer-perf-test's columns, computed and printed as Kafka's ConsumerPerformance does: MB are
 * 1024×1024 bytes of keys plus values, rates per second of wall time, and the "fetch" rates over
 * the time not spent joining the group (rebalance.time.ms). Divisions by a zero time print as
 * Java prints them (NaN, Infinity).
 */
const MB = 1024 * 1024

const COMMON_HEADER = 'data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'

export function consumerHeader(detailed: boolean): string {
  return `${detailed ? 'time, threadId' : 'start.time, end.time'}, ${COMMON_HEADER}`
}

export interface ConsumerTotals {
  startMs: number
  endMs: number
  bytes: number
  messages: number
  /** Time spent joining the group (0 without one). */
  rebalanceMs: number
}

/** The summary row's numbers; `--json` prints this object. */
export interface ConsumerSummary {
  startTime: number
  endTime: number
  dataConsumedMB: number
  mbPerSec: number
  messages: number
  messagesPerSec: number
  rebalanceTimeMs: number
  fetchTimeMs: number
  fetchMBPerSec: number
  fetchMessagesPerSec: number
}

export function consumerSummary(totals: ConsumerTotals): ConsumerSummary {
  const elapsedSec = (totals.endMs - totals.startMs) / 1000
  const fetchTimeMs = totals.endMs - totals.startMs - totals.rebalanceMs
  const mb = totals.bytes / MB
  return {
    startTime: totals.startMs,
    endTime: totals.endMs,
    dataConsumedMB: mb,
    mbPerSec: mb / elapsedSec,
    messages: totals.messages,
    messagesPerSec: totals.messages / elapsedSec,
    rebalanceTimeMs: totals.rebalanceMs,
    fetchTimeMs,
    fetchMBPerSec: mb / (fetchTimeMs / 1000),
    fetchMessagesPerSec: totals.messages / (fetchTimeMs / 1000),
  }
}

/** `%s, %s, %.4f, %.4f, %d, %.4f, %d, %d, %.4f, %.4f` */
export function formatConsumerSummary(summary: ConsumerSummary, formatDate: (epochMs: number) => string): string {
  return [
    formatDate(summary.startTime),
    formatDate(summary.endTime),
    summary.dataConsumedMB.toFixed(4),
    summary.mbPerSec.toFixed(4),
    summary.messages,
    summary.messagesPerSec.toFixed(4),
    summary.rebalanceTimeMs,
    summary.fetchTimeMs,
    summary.fetchMBPerSec.toFixed(4),
    summary.fetchMessagesPerSec.toFixed(4),
  ].join(', ')
}

export interface ConsumerInterval {
  /** Start and end of the interval. */
  startMs: number
  endMs: number
  /** Totals at the end of the interval and at its start. */
  bytes: number
  lastBytes: number
  messages: number
  lastMessages: number
  /** Joining time that fell in this interval. */
  rebalanceMs: number
}

/** A --show-detailed-stats row: totals so far, rates over the interval (thread id always 0). */
export function formatConsumerInterval(interval: ConsumerInterval, formatDate: (epochMs: number) => string): string {
  const elapsedMs = interval.endMs - interval.startMs
  const intervalMb = (interval.bytes - interval.lastBytes) / MB
  const intervalMessages = interval.messages - interval.lastMessages
  const fetchTimeMs = elapsedMs - interval.rebalanceMs
  return [
    formatDate(interval.endMs),
    0,
    (interval.bytes / MB).toFixed(4),
    ((1000 * intervalMb) / elapsedMs).toFixed(4),
    interval.messages,
    ((intervalMessages / elapsedMs) * 1000).toFixed(4),
    interval.rebalanceMs,
    fetchTimeMs,
    (fetchTimeMs <= 0 ? 0 : (1000 * intervalMb) / fetchTimeMs).toFixed(4),
    (fetchTimeMs <= 0 ? 0 : (1000 * intervalMessages) / fetchTimeMs).toFixed(4),
  ].join(', ')
}
