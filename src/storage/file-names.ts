/**
 * File names are part of the on-disk interface, as in Kafka: a segment is named by its base offset
 * zero-padded to 20 digits, and suffixes mark the steps of deletion and compaction so a crash
 * midway is recoverable from the names alone.
 */
export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
/** Marked for deletion: recovery finishes the job. */
export const DELETED_SUFFIX = '.deleted'
/** Compaction output not yet swapped in: recovery discards it. */
export const CLEANED_SUFFIX = '.cleaned'
/** Compaction output about to replace segments. */
export const SWAP_SUFFIX = '.swap'

const SEGMENT_FILE = /^(\d{20})(\.log|\.index|\.timeindex)$/

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(20, '0') + suffix
}

/** The base offset and suffix of a segment's .log, .index or .timeindex file; null for other names. */
export function parseSegmentFileName(name: string): {baseOffset: number; suffix: string} | null {
  const match = SEGMENT_FILE.exec(name)
  return match ? {baseOffset: Number(match[1]), suffix: match[2]} : null
}

/** `<topic>-<partition>`: the directory of one partition's log. */
export function logDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}

/** Splits at the LAST '-': topic names may contain '-' and '.' themselves. */
export function parseLogDirName(name: string): {topic: string; partition: number} | null {
  const match = /^(.+)-(0|[1-9]\d*)$/.exec(name)
  if (!match) return null
  const partition = Number(match[2])
  return Number.isSafeInteger(partition) ? {topic: match[1], partition} : null
}

/** A partition directory renamed for deletion: `<topic>-<partition>.<uuid>-delete`, Kafka's way. */
const DELETE_DIR = /^.+-\d+\.[0-9a-f]{32}-delete$/

export function deletionDirName(topic: string, partition: number, uuidHex: string): string {
  return `${logDirName(topic, partition)}.${uuidHex}-delete`
}

export function isDeletionDirName(name: string): boolean {
  return DELETE_DIR.test(name)
}
