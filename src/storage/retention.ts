/**
 * Which segments retention deletes (Kafka's UnifiedLog.deleteOldSegments): always whole
 * segments, oldest first, stopping at the first one that must stay. Three reasons, each a run of
 * segments from the front of the log, so together they delete the longest of the three runs:
 * - retention.ms: the segment's largest timestamp is older than `now - retention.ms`;
 * - retention.bytes: the log is larger than retention.bytes even without the segment;
 * - the log start offset (DeleteRecords) has passed the whole segment.
 * The first two apply only under cleanup.policy=delete; the last one always does.
 */

/** The topic settings retention follows (Kafka's names in the comments). */
export interface RetentionPolicy {
  /** cleanup.policy contains "delete". */
  deleteExpired: boolean
  /** retention.ms; negative keeps data forever. */
  retentionMs: number
  /** retention.bytes, per partition; negative means no limit. */
  retentionBytes: number
}

/** What retention needs to know of one segment. */
export interface SegmentFacts {
  baseOffset: number
  size: number
  largestTimestamp: number
}

/**
 * How many of the oldest `segments` (the last one is the active segment) retention deletes. The
 * active segment counts when it is expired and not empty; the caller rolls it first, so the log
 * keeps a segment to append to.
 */
export function expiredSegmentCount(
  segments: readonly SegmentFacts[],
  policy: RetentionPolicy,
  state: {now: number; logStartOffset: number},
): number {
  const deletable = (predicate: (segment: SegmentFacts, index: number) => boolean): number => {
    let count = 0
    while (count < segments.length && !isEmptyActive(segments, count) && predicate(segments[count], count)) count++
    return count
  }
  const belowStart = deletable((_, index) => index + 1 < segments.length && segments[index + 1].baseOffset <= state.logStartOffset)
  if (!policy.deleteExpired) return belowStart
  const byTime =
    policy.retentionMs < 0 ? 0 : deletable((segment) => state.now - segment.largestTimestamp > policy.retentionMs)
  let excess = segments.reduce((sum, segment) => sum + segment.size, 0) - policy.retentionBytes
  const bySize =
    policy.retentionBytes < 0
      ? 0
      : deletable((segment) => {
          if (excess < segment.size) return false
          excess -= segment.size
          return true
        })
  return Math.max(belowStart, byTime, bySize)
}

function isEmptyActive(segments: readonly SegmentFacts[], index: number): boolean {
  return index === segments.length - 1 && segments[index].size === 0
}
