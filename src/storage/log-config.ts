/** The per-log settings storage reads (Kafka's topic configs of the same names). */
export interface LogConfig {
  /** segment.bytes: roll before a segment would grow past this. */
  segmentBytes: number
  /** segment.ms: roll once the active segment's first batch is older than this. */
  segmentMs: number
  /** index.interval.bytes: about this much log between two index entries. */
  indexIntervalBytes: number
  /** segment.index.bytes: roll once an index would grow past this. */
  segmentIndexBytes: number
}

/** Kafka's defaults. */
export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
})
