/**
 * One segment of a partition's log (Kafka's LogSegment): the .log file of batches stored exactly
 * as received, plus its offset and time indexes. Reads and index lookups may run while the log
 * appends; a segment is only ever appended to at its end.
 *
 * Retention and compaction take segments out of the log while readers may still be using them:
 * a retired segment keeps its file open until the last reader releases it. Its files can be
 * renamed and unlinked meanwhile (POSIX keeps an open file readable).
 */
import {constants} from 'node:fs'
import {join} from 'node:path'
import {type EndTxnMarkerKind, readEndTxnMarker} from '../protocol/end-txn-marker.js'
import {
  ATTR_CONTROL,
  BATCH_HEADER_SIZE,
  type BatchHeader,
  LOG_OVERHEAD,
  batchSize,
  readBaseOffset,
  readBatchHeader,
  readLastOffsetDelta,
} from '../protocol/record-batch.js'
import {BatchCursor, type BatchFault, LOOKUP_WINDOW, type StoredBatch, findSoundBatch, isZeroFrom, validateBatches} from './file-records.js'
import {DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName} from './file-names.js'
import {type PooledFile, filePoolOf} from './file-pool.js'
import {type StorageFile, type StorageFs, isNotFound, syncDir, writeAllAt} from './fs.js'
import {OFFSET_INDEX_ENTRY_SIZE, OffsetIndex} from './offset-index.js'
import {fetchReadBuffers} from './read-buffers.js'
import {TIME_INDEX_ENTRY_SIZE, TimeIndex} from './time-index.js'
import {SegmentZeroFill, type ZeroFillBudget} from './zero-fill.js'

/** A stored batch's header; a control batch's also says which transaction marker it is (null: none). */
export interface ScannedBatchHeader extends BatchHeader {
  marker?: EndTxnMarkerKind | null
}

/** A batch on its way into the segment, its base offset already written into it. */
export interface SegmentAppend {
  buffer: Buffer
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/**
 * Flags of the descriptor durable appends write through: O_DSYNC makes the write return once its
 * bytes (and the file size) are on disk, as a write followed by fdatasync would, in one trip to
 * the threadpool instead of two. Undefined where the platform has no O_DSYNC.
 */
const WRITE_THROUGH_FLAGS = constants.O_DSYNC === undefined ? undefined : constants.O_WRONLY | constants.O_DSYNC

/** Bytes read at once when walking a whole segment. */
const BULK_READ_WINDOW = 1024 * 1024
/** Bytes read at once when only batch headers are wanted: large batches are skipped, not read. */
const HEADER_SCAN_WINDOW = 64 * 1024
/** Enough of a control batch for a marker's key: the header, then a few varints and 4 bytes. */
const MARKER_SCAN_BYTES = 128
/** Read ends remembered per segment: one per consumer reading it on, for a few consumers. */
const MAX_REMEMBERED_READ_ENDS = 8

export interface SegmentRead {
  batches: Buffer[]
  bytes: number
  /** True when a limit (bytes or offset) ended the read before the segment's end. */
  limited: boolean
}

export class LogSegment {
  /** The offset the next batch appended here gets; the base offset while empty. */
  nextOffset: number
  /** The largest batch maxTimestamp in the segment (-1: none) and the last offset of that batch. */
  maxTimestamp = -1
  offsetOfMaxTimestamp = -1
  /** When segment.ms starts counting: the first batch's append time (its timestamp once reloaded). */
  rollingBasedTimestamp: number | null = null
  private written: number
  /** Where the append in flight ends (at most `written` between appends). */
  private appendingTo = 0
  private readonly zeroFill: SegmentZeroFill
  private bytesSinceLastIndexEntry = 0
  private writeSeq = 0
  private syncedSeq = 0
  private syncing: {target: number; done: Promise<void>} | null = null
  private flushing: Promise<void> = Promise.resolve()
  /** Readers (and syncs) using the open file; a retired segment closes once this drops to 0. */
  private users = 0
  private retired = false
  private closed: Promise<void> | null = null
  /** The segment's file names are not yet durable: the first fsync of its data syncs its directory first. */
  private directoryUnsynced = false
  /** The O_DSYNC descriptor durable appends write through, opened on first use; null once closed. */
  private writeThrough: Promise<StorageFile | null> | null = null
  private writeThroughClosed = false
  /**
   * Where the batch after each recent read's last one starts, by its base offset: a consumer
   * reading on asks for exactly that offset next. The offset index alone points up to a whole
   * batch earlier (its entries give where the batch ending at an offset starts), and with
   * 1 MB batches that is a 1 MB read of bytes nobody asked for.
   */
  private readonly readsEndedAt = new Map<number, number>()

  private constructor(
    private readonly fs: StorageFs,
    private readonly dir: string,
    readonly baseOffset: number,
    private path: string,
    private readonly file: PooledFile,
    private offsetIndex: OffsetIndex,
    private timeIndex: TimeIndex,
    size: number,
  ) {
    this.written = size
    this.nextOffset = baseOffset
    this.zeroFill = new SegmentZeroFill(file, () => Math.max(this.written, this.appendingTo), size)
  }

  /**
   * Makes a new, empty segment's three files; `suffix` (".cleaned") is added to each name for a
   * segment that is not part of the log yet. A leftover file of the same name is truncated.
   */
  static async create(fs: StorageFs, dir: string, baseOffset: number, suffix = ''): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset, suffix)
    const file = await filePoolOf(fs).create(paths.log)
    const segment = new LogSegment(
      fs,
      dir,
      baseOffset,
      paths.log,
      file,
      OffsetIndex.empty(paths.index, baseOffset),
      TimeIndex.empty(paths.timeIndex, baseOffset),
      0,
    )
    segment.offsetIndex.reset()
    segment.timeIndex.reset()
    await segment.flushIndexes(false)
    return segment
  }

  /**
   * An existing segment. Its indexes are empty until `loadIndexes` or `recover`, and its .log is
   * opened on first use (see FilePool), so a start with many logs opens only what it reads.
   */
  static async open(fs: StorageFs, dir: string, baseOffset: number): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset)
    const {size} = await fs.stat(paths.log)
    return new LogSegment(
      fs,
      dir,
      baseOffset,
      paths.log,
      filePoolOf(fs).file(paths.log),
      OffsetIndex.empty(paths.index, baseOffset),
      TimeIndex.empty(paths.timeIndex, baseOffset),
      size,
    )
  }

  /**
   * Leaves making the new files' names durable to the first fsync of data (Kafka flushes a new
   * log's directory at its first flush too): creating 10,000 logs then costs no directory fsync
   * each, and nothing acknowledged as durable can be lost with a name.
   */
  deferDirectorySync(): void {
    this.directoryUnsynced = true
  }

  /** Bytes written and readable. */
  get size(): number {
    return this.written
  }

  /** The .log file's current path. */
  get logPath(): string {
    return this.path
  }

  /**
   * Loads both indexes from disk after a clean shutdown, or for a segment below the recovery
   * point. False when either is missing or fails its sanity check: the caller then rebuilds.
   * `offsetLimit` is the next segment's base offset (every offset here is below it).
   */
  async loadIndexes(offsetLimit: number): Promise<boolean> {
    // Nothing to index, and nothing to read: most of 10,000 partitions are often empty.
    if (this.written === 0) return true
    const paths = {index: this.offsetIndex.path, timeIndex: this.timeIndex.path}
    const offsetIndex = await OffsetIndex.load(this.fs, paths.index, this.baseOffset, {logSize: this.written, offsetLimit})
    const timeIndex = await TimeIndex.load(this.fs, paths.timeIndex, this.baseOffset, offsetLimit)
    if (!offsetIndex || !timeIndex) return false
    const last = timeIndex.lastEntry()
    // Closing or rolling a segment always records its largest timestamp; no entry means a lost one.
    // (A segment whose batches all lack timestamps is rebuilt each time; harmless and rare.)
    if (!last) return false
    this.offsetIndex = offsetIndex
    this.timeIndex = timeIndex
    this.maxTimestamp = last?.timestamp ?? -1
    this.offsetOfMaxTimestamp = last?.offset ?? -1
    return true
  }

  /**
   * Finds the next offset of a cleanly closed segment by walking the few batches after its last
   * index entry. False when those bytes do not end in a whole batch exactly at the file's end.
   */
  async loadNextOffset(): Promise<boolean> {
    const start = this.offsetIndex.lastEntry()?.position ?? 0
    const cursor = new BatchCursor(this.file, start, this.written)
    let last: StoredBatch | null = null
    for (let batch = await cursor.peek(); batch; batch = await cursor.peek()) {
      last = batch
      cursor.skip(batch)
    }
    if (cursor.position !== this.written) return false
    this.nextOffset = last ? last.lastOffset + 1 : this.baseOffset
    this.bytesSinceLastIndexEntry = this.written - start
    return true
  }

  /**
   * Validates every batch and rebuilds both indexes from them (Kafka's LogSegment.recover).
   * Returns where the sound bytes end and what is wrong after them; truncating is the caller's
   * decision.
   */
  async recover(indexIntervalBytes: number): Promise<{validBytes: number; fault: BatchFault | null}> {
    this.offsetIndex.reset()
    this.timeIndex.reset()
    this.maxTimestamp = -1
    this.offsetOfMaxTimestamp = -1
    this.bytesSinceLastIndexEntry = 0
    this.nextOffset = this.baseOffset
    const result = await validateBatches(this.file, this.written, this.baseOffset, (batch) => {
      this.indexBatch(batch, indexIntervalBytes)
      this.nextOffset = batch.lastOffset + 1
    })
    await this.flushIndexes(false)
    return result
  }

  /**
   * Like `recover`, but trusts what lies below `recoveryPoint` (it was flushed, indexes included):
   * the indexes are loaded and cut back to their last entry below it, and batches are validated
   * from that entry's position on. Null when the indexes fail their sanity check; the caller then
   * recovers the whole segment.
   */
  async recoverFrom(recoveryPoint: number, indexIntervalBytes: number): Promise<{validBytes: number; fault: BatchFault | null} | null> {
    const offsetIndex = await OffsetIndex.load(this.fs, this.offsetIndex.path, this.baseOffset, {logSize: this.written, offsetLimit: Number.MAX_SAFE_INTEGER})
    const timeIndex = await TimeIndex.load(this.fs, this.timeIndex.path, this.baseOffset, Number.MAX_SAFE_INTEGER)
    if (!offsetIndex || !timeIndex) return null
    offsetIndex.truncateFrom(recoveryPoint)
    const resumeAt = offsetIndex.lastEntry()
    if (!resumeAt) return null
    // Every time index entry up to the resumed batch's last offset covers batches before the resume point or that batch itself.
    timeIndex.truncateAfter(resumeAt.offset)
    const last = timeIndex.lastEntry()
    this.offsetIndex = offsetIndex
    this.timeIndex = timeIndex
    this.maxTimestamp = last?.timestamp ?? -1
    this.offsetOfMaxTimestamp = last?.offset ?? -1
    // The batch at the resume point already has its index entry: counting from 0 adds no second one.
    this.bytesSinceLastIndexEntry = 0
    this.nextOffset = this.baseOffset
    const result = await validateBatches(
      this.file,
      this.written,
      this.baseOffset,
      (batch) => {
        this.indexBatch(batch, indexIntervalBytes)
        this.nextOffset = batch.lastOffset + 1
      },
      resumeAt.position,
    )
    // Not even the resumed batch is sound: only a full pass can say where the log ends.
    if (result.validBytes === resumeAt.position) return null
    await this.flushIndexes(false)
    return result
  }

  /** Where a sound batch starts at or after `from`, at any byte; null when none does. */
  findSoundBatch(from: number): Promise<number | null> {
    return findSoundBatch(this.file, from, this.written)
  }

  /** Cuts the .log at `position`, which `recover` reported as the end of the sound bytes. */
  async truncateTo(position: number): Promise<void> {
    await this.file.truncate(position)
    this.zeroFill.truncated(position)
    this.readsEndedAt.clear()
    this.written = position
    this.writeSeq++
  }

  /** Starts segment.ms from the first batch's timestamp, as Kafka does for a reloaded segment. */
  async startRollTimer(now: number): Promise<void> {
    if (this.written === 0) return
    const first = await this.firstBatchTimestamp()
    this.rollingBasedTimestamp = first >= 0 ? first : now
  }

  /** The first batch's maxTimestamp; -1 when the segment is empty or the batch has none. */
  async firstBatchTimestamp(): Promise<number> {
    // Only the header is wanted: a window the size of one keeps a start with many logs light.
    const first = await new BatchCursor(this.file, 0, this.written, BATCH_HEADER_SIZE).peek()
    return first?.maxTimestamp ?? -1
  }

  /**
   * The segment's largest timestamp, which retention compares with retention.ms; the file's
   * modification time when no batch carries a timestamp (Kafka's rule).
   */
  async largestTimestamp(): Promise<number> {
    if (this.maxTimestamp >= 0) return this.maxTimestamp
    return Math.trunc((await this.file.stat()).mtimeMs)
  }

  /** Every whole batch in the segment with its bytes, oldest first (the cleaner reads this way). */
  async *batches(): AsyncGenerator<{batch: StoredBatch; bytes: Buffer}> {
    const cursor = new BatchCursor(this.file, 0, this.written, BULK_READ_WINDOW)
    for (let batch = await cursor.peek(); batch; batch = await cursor.peek()) {
      yield {batch, bytes: await cursor.bytes(batch.position, batch.size)}
      cursor.skip(batch)
    }
  }

  /**
   * The header of each batch ending at or after `fromOffset`, oldest first (producer state is
   * rebuilt from these). Of a control batch, the first record is read too, for its marker's kind.
   */
  async *batchHeaders(fromOffset: number): AsyncGenerator<ScannedBatchHeader> {
    const cursor = new BatchCursor(this.file, this.offsetIndex.lookup(fromOffset).position, this.written, HEADER_SCAN_WINDOW)
    for (let batch = await cursor.peek(); batch; batch = await cursor.peek()) {
      if (batch.lastOffset >= fromOffset) {
        const header: ScannedBatchHeader = readBatchHeader(await cursor.bytes(batch.position, BATCH_HEADER_SIZE))
        if ((header.attributes & ATTR_CONTROL) !== 0)
          header.marker = readEndTxnMarker(await cursor.bytes(batch.position, Math.min(batch.size, MARKER_SCAN_BYTES)))
        yield header
      }
      cursor.skip(batch)
    }
  }

  /**
   * Appends batches in offset order with one write; resolves once the OS has the bytes. With
   * `durable`, when every byte before them is already on disk, the write goes through the O_DSYNC
   * descriptor and the bytes are durable when it resolves: then it resolves true, and no
   * fdatasync is needed for them. Otherwise false: the caller syncs (group commit).
   */
  async append(batches: SegmentAppend[], indexIntervalBytes: number, now: number, durable = false): Promise<boolean> {
    const position = this.written
    const through = durable && this.syncedSeq === this.writeSeq && !this.directoryUnsynced ? await this.writeThroughFile() : null
    const end = position + batches.reduce((bytes, batch) => bytes + batch.buffer.length, 0)
    for (let zeros = this.zeroFill.inTheWay(position, end); zeros; zeros = this.zeroFill.inTheWay(position, end)) await zeros
    this.appendingTo = end
    await writeAllAt(
      through ?? this.file,
      batches.map((batch) => batch.buffer),
      position,
    )
    let at = position
    for (const batch of batches) {
      const size = batch.buffer.length
      this.indexBatch({position: at, size, baseOffset: batch.baseOffset, lastOffset: batch.lastOffset, maxTimestamp: batch.maxTimestamp}, indexIntervalBytes)
      at += size
    }
    this.rollingBasedTimestamp ??= now
    this.nextOffset = batches[batches.length - 1].lastOffset + 1
    // Index entries and the readable size change together, before any reader can look.
    this.written = at
    this.writeSeq++
    if (through) this.syncedSeq = this.writeSeq
    this.zeroFill.settleBudget()
    return through !== null
  }

  /**
   * Starts zero-filling ahead of the data when little is left (see zero-fill.ts), within
   * `limit` bytes of file; null when it does not. A rejection is a failed fdatasync.
   */
  fillAhead(limit: number, budget: ZeroFillBudget): Promise<void> | null {
    return this.retired ? null : this.zeroFill.fillAhead(limit, budget)
  }

  /**
   * Cuts the zeros ahead of the data off while the segment stays active (its log went idle), so
   * the file is exactly its batches again. Run with appends held off (in the log's write queue).
   * Not synced: after a crash, recovery cuts a zero tail the old size brought back.
   */
  async trimZeroFill(): Promise<void> {
    await this.zeroFill.trim(this.written, false)
  }

  /** Zero bytes written ahead of the data, which later appends overwrite. */
  get zeroBytesAhead(): number {
    return this.zeroFill.bytesAhead
  }

  /** Whether every byte of the .log from `position` on is zero (zero-filled space, no data). */
  isZeroFrom(position: number): Promise<boolean> {
    return isZeroFrom(this.file, position, this.written)
  }

  /** Whether the indexes hold as many entries as `segment.index.bytes` allows. */
  indexesFull(segmentIndexBytes: number): boolean {
    return (
      this.offsetIndex.entries >= Math.floor(segmentIndexBytes / OFFSET_INDEX_ENTRY_SIZE) ||
      this.timeIndex.entries >= Math.floor(segmentIndexBytes / TIME_INDEX_ENTRY_SIZE)
    )
  }

  /**
   * Whole batches from the one holding `fetchOffset`, at most `maxBytes` of them, stopping before
   * `upToOffset`. With `atLeastOne`, the first batch comes back even when larger than maxBytes.
   */
  async read(fetchOffset: number, maxBytes: number, atLeastOne: boolean, upToOffset = Infinity): Promise<SegmentRead> {
    const end = this.written
    const resumeAt = this.readsEndedAt.get(fetchOffset)
    // Where a read ended, the wanted bytes start: one read of just those. From an index entry the
    // batches before the wanted one are stepped over by their headers, and the bytes read after.
    const cursor =
      resumeAt !== undefined && resumeAt < end
        ? new BatchCursor(this.file, resumeAt, end, Math.max(maxBytes, LOOKUP_WINDOW), fetchReadBuffers)
        : new BatchCursor(this.file, this.offsetIndex.lookup(fetchOffset).position, end, LOOKUP_WINDOW, fetchReadBuffers)
    let first = await cursor.peek()
    while (first && first.lastOffset < fetchOffset) {
      cursor.skip(first)
      first = await cursor.peek()
    }
    if (!first) return {batches: [], bytes: 0, limited: false}
    if (first.baseOffset >= upToOffset || (!atLeastOne && first.size > maxBytes)) return {batches: [], bytes: 0, limited: true}
    const length = Math.min(end - first.position, Math.max(maxBytes, first.size))
    const buffer = await cursor.bytes(first.position, length)
    const batches: Buffer[] = []
    let at = 0
    let lastOffset = -1
    let limited = first.position + length < end
    while (at + LOG_OVERHEAD <= buffer.length) {
      const size = batchSize(buffer, at)
      if (at + size > buffer.length) break
      const baseOffset = readBaseOffset(buffer, at)
      if (baseOffset >= upToOffset) {
        limited = true
        break
      }
      batches.push(buffer.subarray(at, at + size))
      lastOffset = baseOffset + readLastOffsetDelta(buffer, at)
      at += size
    }
    if (batches.length > 0) this.rememberReadEnd(lastOffset + 1, first.position + at)
    return {batches, bytes: at, limited}
  }

  private rememberReadEnd(nextOffset: number, position: number): void {
    this.readsEndedAt.delete(nextOffset)
    this.readsEndedAt.set(nextOffset, position)
    // A few readers at different places are remembered; the oldest place is forgotten first.
    if (this.readsEndedAt.size > MAX_REMEMBERED_READ_ENDS) this.readsEndedAt.delete(this.readsEndedAt.keys().next().value!)
  }

  /**
   * The first batch at or after `minOffset` whose maxTimestamp reaches `timestamp`: the time index
   * says where earlier batches end, the offset index where that is in the file.
   */
  async findByTimestamp(timestamp: number, minOffset: number): Promise<{offset: number; timestamp: number; batch: Buffer} | null> {
    if (this.maxTimestamp < timestamp) return null
    const from = Math.max(this.timeIndex.lookup(timestamp), minOffset)
    const cursor = new BatchCursor(this.file, this.offsetIndex.lookup(from).position, this.written)
    for (let batch = await cursor.peek(); batch; batch = await cursor.peek()) {
      if (batch.lastOffset >= minOffset && batch.maxTimestamp >= timestamp) {
        return {offset: batch.baseOffset, timestamp: batch.maxTimestamp, batch: await cursor.bytes(batch.position, batch.size)}
      }
      cursor.skip(batch)
    }
    return null
  }

  /**
   * fdatasyncs what has been written to the .log so far (the group commit's unit of work). A
   * sync already running that covers the same writes is shared rather than repeated.
   */
  async syncLog(): Promise<void> {
    const target = this.writeSeq
    // A retired segment's bytes are gone from the log (or live on in a cleaned copy): nothing to keep.
    if (this.syncedSeq >= target || this.retired) return
    if (this.syncing && this.syncing.target >= target) return this.syncing.done
    const done = this.whileOpen(async () => {
      if (this.directoryUnsynced) {
        await syncDir(this.fs, this.dir)
        this.directoryUnsynced = false
      }
      await this.file.datasync()
    }).then(() => {
      this.syncedSeq = Math.max(this.syncedSeq, target)
    })
    this.syncing = {target, done}
    try {
      await done
    } finally {
      if (this.syncing?.done === done) this.syncing = null
    }
  }

  /**
   * Makes the segment durable: the .log, then both indexes. `closing` (roll or close) first adds
   * the final time index entry, so a reload finds the segment's largest timestamp there.
   */
  flush(closing: boolean): Promise<void> {
    const run = async () => {
      // Writing a retired segment's indexes would recreate files that were renamed away.
      if (this.retired) return
      if (closing) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
      // The zeros past the data go; the new size is made durable with the data.
      if (closing && (await this.zeroFill.trim(this.written, true))) this.writeSeq++
      await this.syncLog()
      await this.flushIndexes(true)
      // A rolled or closing segment takes no more appends.
      if (closing) await this.closeWriteThrough()
    }
    const flushed = this.flushing.then(run)
    this.flushing = flushed.catch(() => {})
    return flushed
  }

  close(): Promise<void> {
    this.closed ??= this.zeroFill.stop().then(() => Promise.all([this.file.close(), this.closeWriteThrough()])).then(() => {})
    return this.closed
  }

  /** Keeps the file open for a reader until `release`, even if the segment is retired meanwhile. */
  retain(): void {
    this.users++
    this.file.pin()
  }

  release(): void {
    this.users--
    this.file.unpin()
    if (this.retired && this.users === 0) this.closeQuietly()
  }

  /** The segment has left the log: its file closes as soon as no reader is using it. */
  retire(): void {
    this.retired = true
    void this.zeroFill.stop()
    if (this.users === 0) this.closeQuietly()
  }

  /**
   * Renames the three files to carry `suffix` (".swap", or "" for the final names): the indexes
   * first, the .log last, so that the .log's name is what says which step was reached.
   */
  async moveTo(suffix: string): Promise<void> {
    const paths = segmentPaths(this.dir, this.baseOffset, suffix)
    await this.fs.rename(this.offsetIndex.path, paths.index)
    this.offsetIndex.movedTo(paths.index)
    await this.fs.rename(this.timeIndex.path, paths.timeIndex)
    this.timeIndex.movedTo(paths.timeIndex)
    await this.renameLog(paths.log)
  }

  /**
   * Renames the files to `.deleted`, the .log first: once it is renamed the segment is gone from
   * the log as the next start sees it, and recovery removes whatever else carries the suffix.
   */
  async markDeleted(): Promise<void> {
    const deleted = segmentPaths(this.dir, this.baseOffset, DELETED_SUFFIX)
    await this.renameLog(deleted.log)
    for (const index of [this.offsetIndex, this.timeIndex]) {
      const target = `${index.path}${DELETED_SUFFIX}`
      try {
        await this.fs.rename(index.path, target)
      } catch (error) {
        // An index may never have been written (or was dropped as unsound): nothing to rename.
        if (!isNotFound(error)) throw error
      }
      index.movedTo(target)
    }
  }

  /** Unlinks the segment's files under their current names; missing ones are fine. */
  async deleteFiles(): Promise<void> {
    // Readers holding the segment read on through an open descriptor once the name is gone.
    const readers = this.users > 0 && this.closed === null
    if (readers) await this.file.pinOpen()
    try {
      for (const path of [this.path, this.offsetIndex.path, this.timeIndex.path]) {
        try {
          await this.fs.unlink(path)
        } catch (error) {
          if (!isNotFound(error)) throw error
        }
      }
    } finally {
      if (readers) this.file.unpin()
    }
  }

  /** Closes and removes the segment's files (recovery dropping segments after a torn tail). */
  async delete(): Promise<void> {
    await this.close()
    await this.deleteFiles()
  }

  /**
   * Renames the .log with its descriptor open, so a reader that reopens the file while the name
   * changes finds one name or the other, never neither.
   */
  private async renameLog(path: string): Promise<void> {
    const open = this.closed === null
    if (open) await this.file.pinOpen()
    try {
      await this.fs.rename(this.path, path)
      this.path = path
      this.file.movedTo(path)
    } finally {
      if (open) this.file.unpin()
    }
  }

  /**
   * The O_DSYNC descriptor, opened on first use; null where it cannot be had (no O_DSYNC, or the
   * open failed), and then durable appends take the write-then-fdatasync path.
   */
  private writeThroughFile(): Promise<StorageFile | null> {
    if (this.writeThroughClosed || this.retired || WRITE_THROUGH_FLAGS === undefined) return Promise.resolve(null)
    this.writeThrough ??= this.fs.open(this.path, WRITE_THROUGH_FLAGS).then(
      (file) => {
        // Counted with the pooled descriptors, so the pool closes idle ones to make room for it.
        filePoolOf(this.fs).opened()
        return file
      },
      () => null,
    )
    return this.writeThrough
  }

  private async closeWriteThrough(): Promise<void> {
    this.writeThroughClosed = true
    const file = await this.writeThrough
    this.writeThrough = null
    if (!file) return
    filePoolOf(this.fs).closed()
    await file.close()
  }

  private closeQuietly(): void {
    // Nothing waits on a retired segment's close, and a failed close of a read-only use is harmless.
    this.close().catch(() => {})
  }

  private async whileOpen<T>(work: () => Promise<T>): Promise<T> {
    this.retain()
    try {
      return await work()
    } finally {
      this.release()
    }
  }

  private indexBatch(batch: StoredBatch, indexIntervalBytes: number): void {
    if (batch.maxTimestamp > this.maxTimestamp) {
      this.maxTimestamp = batch.maxTimestamp
      this.offsetOfMaxTimestamp = batch.lastOffset
    }
    if (this.bytesSinceLastIndexEntry > indexIntervalBytes) {
      this.offsetIndex.append(batch.lastOffset, batch.position)
      this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
      this.bytesSinceLastIndexEntry = 0
    }
    this.bytesSinceLastIndexEntry += batch.size
  }

  private async flushIndexes(sync: boolean): Promise<void> {
    await this.offsetIndex.flush(this.fs, sync)
    await this.timeIndex.flush(this.fs, sync)
  }
}

function segmentPaths(dir: string, baseOffset: number, suffix = ''): {log: string; index: string; timeIndex: string} {
  return {
    log: join(dir, segmentFileName(baseOffset, LOG_SUFFIX) + suffix),
    index: join(dir, segmentFileName(baseOffset, INDEX_SUFFIX) + suffix),
    timeIndex: join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX) + suffix),
  }
}
