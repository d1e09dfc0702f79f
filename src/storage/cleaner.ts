/**
 * Log compaction for cleanup.policy=compact (Kafka's LogCleaner), one pass over one log:
 *
 * 1. The cleanable range runs from the log start to the first segment that must stay dirty: the
 *    active segment, an earlier one holding records younger than min.compaction.lag.ms, or one
 *    not yet wholly fsync'd (a cleaned copy must never drop an old value whose newer value a
 *    power loss could still take). Its "dirty" part is what the last complete pass did not
 *    cover (the cleaner checkpoint).
 * 2. A pass runs when the dirty part is at least min.cleanable.dirty.ratio of the range, when
 *    its oldest record has waited max.compaction.lag.ms, or when kept tombstones have expired.
 * 3. A map of key → latest offset is built over the dirty part.
 * 4. Every segment of the range, oldest first, is rewritten without the records a later record
 *    of the same key supersedes, nor expired tombstones, nor records below the log start offset.
 *    Offsets never change: a kept batch keeps its base offset, and kept records their offsets
 *    (gaps are normal in a compacted log). A batch that needs no change is copied as it is; one
 *    that cannot be decoded (an unknown codec, say) is kept whole.
 * 5. Each rewritten segment is written as `.cleaned`, made durable, renamed to `.swap` (from
 *    then on a crash completes the swap; before, it discards the copy), and swapped in.
 *
 * An idempotent producer's sequence lives in its batches' headers (rebuilt from them when no
 * producer snapshot is left), so a rebuilt batch keeps the offset range it was written with, and
 * a producer's last batch stays as a bare header when all its records go: a retry of that batch
 * after a restart is still known as a duplicate. An empty batch goes once its producer has written
 * a later one (Kafka's cleaner keeps the last offset and retains such batches the same way).
 *
 * Transactions (as Kafka's cleaner): the cleanable range ends before the first offset of any
 * transaction still open (the log passes it in as the recovery point's bound), so the outcome of
 * every transactional record it reads is known; records of aborted transactions never supersede
 * anything (a read_committed reader would otherwise lose the committed value they hid). Their own
 * records are kept, not dropped. Control batches (transaction markers) are always kept as they are.
 *
 * Tombstones follow KIP-534: the first pass that keeps a tombstone stamps its batch with a
 * delete horizon (now + delete.retention.ms, in the base timestamp, flagged by attribute bit 6);
 * a pass after the horizon drops it. Oldest-first swaps keep a crash midway safe: a tombstone
 * only goes in a later segment than the older values it deleted, which went first.
 */
import {ATTR_TRANSACTIONAL, readBaseOffset, readLastOffsetDelta, readMaxTimestamp} from '../protocol/record-batch.js'
import {type DecodedBatch, type DecodedRecord, decodeRecordBatch, encodeRecordBatch} from '../protocol/records.js'
import {CLEANED_SUFFIX, SWAP_SUFFIX} from './file-names.js'
import {type StorageFs, syncDir} from './fs.js'
import type {StorageLogger} from './recovery.js'
import {LogSegment, type SegmentAppend} from './segment.js'

/** Attribute bit 6: the base timestamp holds the batch's delete horizon (KIP-534). */
export const ATTR_DELETE_HORIZON = 0x40

/** The topic settings compaction follows (Kafka's names in the comments). */
export interface CompactionPolicy {
  /** delete.retention.ms: how long a tombstone outlives its first cleaning. */
  deleteRetentionMs: number
  /** min.compaction.lag.ms: records younger than this are not compacted yet. */
  minCompactionLagMs: number
  /** max.compaction.lag.ms: a dirty record this old forces a pass, whatever the dirty ratio. */
  maxCompactionLagMs: number
  /** min.cleanable.dirty.ratio: the share of dirty bytes that makes a pass worth it. */
  minCleanableDirtyRatio: number
}

/** Where cleaning stands between passes, kept by the log. */
export interface CleanerState {
  /** Offsets below this were covered by the last complete pass (cleaner-offset-checkpoint); null: never. */
  cleanedUpTo: number | null
  /** The earliest delete horizon among the tombstones the last pass kept: a pass is due after it. */
  tombstonesExpireAt: number | null
}

export interface CompactionResult {
  /** Segments rewritten or, once empty, removed. */
  segmentsCleaned: number
  recordsRemoved: number
  bytesBefore: number
  bytesAfter: number
  /** The new cleaner checkpoint. */
  cleanedUpTo: number
}

/** What a pass may see of the log and do to it. */
export interface CleanerTarget {
  /** `<topic>-<partition>`, for messages. */
  name: string
  dir: string
  fs: StorageFs
  logger: StorageLogger
  indexIntervalBytes: number
  /** The segments when the pass starts, oldest first; the last one is the active segment. */
  segments: readonly LogSegment[]
  logStartOffset: number
  /** Every offset below it is fsync'd. */
  recoveryPoint: number
  /** The last offset of each live idempotent producer's newest batch, by producer id. */
  producersLastOffsets: ReadonlyMap<number, number>
  /** True when the producer's record at `offset` belongs to a transaction that was aborted. */
  inAbortedTransaction(producerId: number, offset: number): boolean
  state: CleanerState
  /** True once the log is closing or failed: the pass stops at the next segment. */
  stopping(): boolean
  /** Swaps `cleaned` (files named `.swap`) in for `old`; with null, `old` just leaves the log. */
  replace(old: LogSegment, cleaned: LogSegment | null): Promise<void>
}

/** Bytes gathered before one write to a cleaned segment. */
const WRITE_CHUNK = 1024 * 1024

export async function compactLog(target: CleanerTarget, policy: CompactionPolicy, now: number): Promise<CompactionResult | null> {
  const plan = await planPass(target, policy, now)
  if (!plan) return null
  const latest = await buildOffsetMap(plan.dirty, plan.firstDirty, target)
  const filter: RecordFilter = {
    latest,
    logStartOffset: target.logStartOffset,
    now,
    deleteRetentionMs: policy.deleteRetentionMs,
    producersLastOffsets: target.producersLastOffsets,
  }
  const result: CompactionResult = {segmentsCleaned: 0, recordsRemoved: 0, bytesBefore: 0, bytesAfter: 0, cleanedUpTo: plan.firstUncleanable}
  let tombstonesExpireAt: number | null = null
  for (const segment of plan.range) {
    if (target.stopping()) return null
    const rewritten = await rewriteSegment(target, segment, filter)
    for (const horizon of rewritten.horizons) tombstonesExpireAt = Math.min(tombstonesExpireAt ?? horizon, horizon)
    if (!rewritten.output) continue
    result.segmentsCleaned++
    result.recordsRemoved += rewritten.recordsRemoved
    result.bytesBefore += segment.size
    result.bytesAfter += rewritten.output.size
    await swapIn(target, segment, rewritten.output)
  }
  target.state.cleanedUpTo = plan.firstUncleanable
  target.state.tombstonesExpireAt = tombstonesExpireAt
  target.logger.info(
    `Cleaned ${target.name} up to offset ${plan.firstUncleanable}: ${result.segmentsCleaned} segment(s) rewritten, ` +
      `${result.recordsRemoved} record(s) removed, ${result.bytesBefore} → ${result.bytesAfter} bytes`,
  )
  return result
}

interface PassPlan {
  /** The inactive segments wholly below `firstUncleanable`, oldest first. */
  range: LogSegment[]
  /** The part of `range` holding offsets at or above `firstDirty`. */
  dirty: LogSegment[]
  firstDirty: number
  firstUncleanable: number
}

/** The cleanable range and its dirty part, or null when no pass is due. */
async function planPass(target: CleanerTarget, policy: CompactionPolicy, now: number): Promise<PassPlan | null> {
  const {segments, state} = target
  const firstDirty = Math.max(state.cleanedUpTo ?? target.logStartOffset, target.logStartOffset)
  const endOf = (index: number) => segments[index + 1].baseOffset
  const range: LogSegment[] = []
  const dirty: LogSegment[] = []
  let firstUncleanable = segments[segments.length - 1].baseOffset
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]
    if (endOf(i) <= target.logStartOffset) continue
    const isDirty = endOf(i) > firstDirty
    const tooYoung = policy.minCompactionLagMs > 0 && now - segment.maxTimestamp < policy.minCompactionLagMs
    if (endOf(i) > target.recoveryPoint || (isDirty && tooYoung)) {
      firstUncleanable = segment.baseOffset
      break
    }
    range.push(segment)
    if (isDirty) dirty.push(segment)
  }
  if (range.length === 0) return null
  const dirtyBytes = dirty.reduce((sum, segment) => sum + segment.size, 0)
  const totalBytes = range.reduce((sum, segment) => sum + segment.size, 0)
  const dirtyEnough = dirtyBytes > 0 && dirtyBytes / totalBytes >= policy.minCleanableDirtyRatio
  const tombstonesDue = state.tombstonesExpireAt !== null && state.tombstonesExpireAt <= now
  const oldestDirty = dirty.length > 0 ? await dirty[0].firstBatchTimestamp() : -1
  const waitedTooLong = oldestDirty >= 0 && now - oldestDirty > policy.maxCompactionLagMs
  if (!dirtyEnough && !tombstonesDue && !waitedTooLong) return null
  return {range, dirty, firstDirty, firstUncleanable}
}

/** Each key's latest offset among the records of `segments` at or above `firstDirty`. */
async function buildOffsetMap(
  segments: readonly LogSegment[],
  firstDirty: number,
  target: Pick<CleanerTarget, 'inAbortedTransaction'>,
): Promise<Map<string, number>> {
  const latest = new Map<string, number>()
  for (const segment of segments) {
    for await (const {batch, bytes} of segment.batches()) {
      if (batch.lastOffset < firstDirty) continue
      const decoded = tryDecode(bytes)
      if (!decoded || decoded.control) continue
      const {header} = decoded
      if ((header.attributes & ATTR_TRANSACTIONAL) !== 0 && target.inAbortedTransaction(header.producerId, batch.baseOffset)) continue
      for (const record of decoded.records) {
        if (record.key !== null && record.offset >= firstDirty) latest.set(keyOf(record.key), record.offset)
      }
    }
  }
  return latest
}

interface RecordFilter {
  latest: ReadonlyMap<string, number>
  logStartOffset: number
  now: number
  deleteRetentionMs: number
  producersLastOffsets: ReadonlyMap<number, number>
}

interface RewrittenSegment {
  /** The cleaned copy (named `.cleaned`, durable); null when nothing in the segment changes. */
  output: LogSegment | null
  recordsRemoved: number
  /** Delete horizons of the tombstone batches the segment keeps. */
  horizons: number[]
}

/**
 * Streams `segment` through the filter. The copy is only started at the first batch that
 * changes; the unchanged batches before it are then copied over from the segment.
 */
async function rewriteSegment(target: CleanerTarget, segment: LogSegment, filter: RecordFilter): Promise<RewrittenSegment> {
  let output: LogSegment | null = null
  let pending: SegmentAppend[] = []
  let pendingBytes = 0
  let recordsRemoved = 0
  const horizons: number[] = []
  const write = async (force: boolean) => {
    if (pending.length === 0 || (!force && pendingBytes < WRITE_CHUNK)) return
    await output!.append(pending, target.indexIntervalBytes, filter.now)
    pending = []
    pendingBytes = 0
  }
  try {
    for await (const {batch, bytes} of segment.batches()) {
      const cleaned = cleanBatch(bytes, filter)
      recordsRemoved += cleaned.recordsRemoved
      if (cleaned.horizon !== null) horizons.push(cleaned.horizon)
      if (!output && cleaned.bytes === bytes) continue
      if (!output) {
        output = await LogSegment.create(target.fs, target.dir, segment.baseOffset, CLEANED_SUFFIX)
        await copyBatches(segment, output, batch.position, target.indexIntervalBytes, filter.now)
      }
      if (cleaned.bytes) {
        pending.push(appendOf(cleaned.bytes))
        pendingBytes += cleaned.bytes.length
      }
      await write(false)
    }
    if (output) {
      await write(true)
      await output.flush(true)
    }
  } catch (error) {
    if (output) await output.delete().catch(() => {})
    throw error
  }
  return {output, recordsRemoved, horizons}
}

/**
 * The commit point: the copy is renamed `.swap`, and the log swaps it in. A segment left empty
 * leaves the log instead, unless it is the first one (the log start stays where it was).
 */
async function swapIn(target: CleanerTarget, old: LogSegment, cleaned: LogSegment): Promise<void> {
  if (cleaned.size === 0 && old !== target.segments[0]) {
    await cleaned.delete()
    await target.replace(old, null)
    return
  }
  try {
    await cleaned.moveTo(SWAP_SUFFIX)
    await syncDir(target.fs, target.dir)
  } catch (error) {
    // Not committed yet: the next start would discard what is left, so do that now.
    await cleaned.delete().catch(() => {})
    throw error
  }
  await target.replace(old, cleaned)
}

/** Copies `from`'s batches that start before `end` into `to`, unchanged. */
async function copyBatches(from: LogSegment, to: LogSegment, end: number, indexIntervalBytes: number, now: number): Promise<void> {
  let pending: SegmentAppend[] = []
  let pendingBytes = 0
  for await (const {batch, bytes} of from.batches()) {
    if (batch.position >= end) break
    pending.push(appendOf(bytes))
    pendingBytes += bytes.length
    if (pendingBytes >= WRITE_CHUNK) {
      await to.append(pending, indexIntervalBytes, now)
      pending = []
      pendingBytes = 0
    }
  }
  if (pending.length > 0) await to.append(pending, indexIntervalBytes, now)
}

/**
 * One batch through the filter: the same bytes when nothing changes, null when no record is
 * left (and it is not its producer's last batch), else a new batch at the same base offset and
 * with the same last offset, holding the kept records at their offsets.
 */
function cleanBatch(bytes: Buffer, filter: RecordFilter): {bytes: Buffer | null; recordsRemoved: number; horizon: number | null} {
  const decoded = tryDecode(bytes)
  if (!decoded || decoded.control) return {bytes, recordsRemoved: 0, horizon: null}
  const {header} = decoded
  const oldHorizon = (header.attributes & ATTR_DELETE_HORIZON) !== 0 ? header.baseTimestamp : null
  const tombstonesExpired = oldHorizon !== null && oldHorizon <= filter.now
  const kept = decoded.records.filter((record) => keeps(record, filter, tombstonesExpired))
  const recordsRemoved = decoded.records.length - kept.length
  const horizon = kept.some((record) => record.value === null) ? (oldHorizon ?? filter.now + filter.deleteRetentionMs) : null
  const producersLast = header.producerId >= 0 && filter.producersLastOffsets.get(header.producerId) === header.baseOffset + header.lastOffsetDelta
  if (kept.length === 0 && !producersLast) return {bytes: null, recordsRemoved, horizon: null}
  if (recordsRemoved === 0 && horizon === oldHorizon) return {bytes, recordsRemoved, horizon}
  const rebuilt = reencode(decoded, kept, horizon)
  return rebuilt ? {bytes: rebuilt, recordsRemoved, horizon} : {bytes, recordsRemoved: 0, horizon: oldHorizon}
}

function keeps(record: DecodedRecord, filter: RecordFilter, tombstonesExpired: boolean): boolean {
  if (record.offset < filter.logStartOffset) return false
  // A record without a key has nothing that could supersede it.
  if (record.key === null) return true
  const latest = filter.latest.get(keyOf(record.key))
  if (latest !== undefined && latest > record.offset) return false
  return record.value !== null || !tombstonesExpired
}

/**
 * The kept records as a batch over the original offset range; with none kept, the bare header
 * (stamped with the batch's max timestamp, as Kafka does). Null when the codec cannot write it.
 */
function reencode(decoded: DecodedBatch, kept: DecodedRecord[], horizon: number | null): Buffer | null {
  const {header} = decoded
  try {
    return encodeRecordBatch({
      records: kept.map((record) => ({
        key: record.key,
        value: record.value,
        headers: record.headers,
        timestamp: record.timestamp,
        offsetDelta: record.offset - header.baseOffset,
      })),
      compression: decoded.compression,
      baseTimestamp: horizon ?? (kept.length === 0 ? header.maxTimestamp : undefined),
      lastOffsetDelta: header.lastOffsetDelta,
      attributes: horizon === null ? header.attributes & ~ATTR_DELETE_HORIZON : header.attributes | ATTR_DELETE_HORIZON,
      producerId: header.producerId,
      producerEpoch: header.producerEpoch,
      baseSequence: header.baseSequence,
      partitionLeaderEpoch: header.partitionLeaderEpoch,
      baseOffset: header.baseOffset,
    })
  } catch {
    return null
  }
}

/** The batch's records, or null when they cannot be read here (damaged, or an unknown codec). */
function tryDecode(bytes: Buffer): DecodedBatch | null {
  try {
    return decodeRecordBatch(bytes)
  } catch {
    return null
  }
}

/** A map key that is the key's bytes one for one. */
function keyOf(key: Buffer): string {
  return key.toString('latin1')
}

function appendOf(buffer: Buffer): SegmentAppend {
  const baseOffset = readBaseOffset(buffer)
  return {buffer, baseOffset, lastOffset: baseOffset + readLastOffsetDelta(buffer), maxTimestamp: readMaxTimestamp(buffer)}
}
