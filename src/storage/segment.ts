/**
 * One segment of a partition's log (Kafka's LogSegment): the .log file of batches stored exactly
 * as received, plus its offset and time indexes. Reads and index lookups may run while the log
 * appends; a segment is only ever appended to at its end.
 */
import {join} from 'node:path'
import {LOG_OVERHEAD, batchSize, readBaseOffset} from '../protocol/record-batch.js'
import {BatchCursor, type BatchFault, type StoredBatch, findSoundBatch, validateBatches} from './file-records.js'
import {INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX, segmentFileName} from './file-names.js'
import {type StorageFile, type StorageFs, isNotFound, writeAllAt} from './fs.js'
import {OFFSET_INDEX_ENTRY_SIZE, OffsetIndex} from './offset-index.js'
import {TIME_INDEX_ENTRY_SIZE, TimeIndex} from './time-index.js'

/** A batch on its way into the segment, its base offset already written into it. */
export interface SegmentAppend {
  buffer: Buffer
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

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
  private bytesSinceLastIndexEntry = 0
  private writeSeq = 0
  private syncedSeq = 0
  private syncing: {target: number; done: Promise<void>} | null = null
  private flushing: Promise<void> = Promise.resolve()

  private constructor(
    private readonly fs: StorageFs,
    readonly baseOffset: number,
    readonly logPath: string,
    private readonly file: StorageFile,
    private offsetIndex: OffsetIndex,
    private timeIndex: TimeIndex,
    size: number,
  ) {
    this.written = size
    this.nextOffset = baseOffset
  }

  /** Makes a new, empty segment's three files. */
  static async create(fs: StorageFs, dir: string, baseOffset: number): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset)
    const file = await fs.open(paths.log, 'w+')
    const segment = new LogSegment(
      fs,
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

  /** Opens an existing segment. Its indexes are empty until `loadIndexes` or `recover`. */
  static async open(fs: StorageFs, dir: string, baseOffset: number): Promise<LogSegment> {
    const paths = segmentPaths(dir, baseOffset)
    const file = await fs.open(paths.log, 'r+')
    try {
      const {size} = await file.stat()
      return new LogSegment(
        fs,
        baseOffset,
        paths.log,
        file,
        OffsetIndex.empty(paths.index, baseOffset),
        TimeIndex.empty(paths.timeIndex, baseOffset),
        size,
      )
    } catch (error) {
      await file.close()
      throw error
    }
  }

  /** Bytes written and readable. */
  get size(): number {
    return this.written
  }

  /**
   * Loads both indexes from disk after a clean shutdown, or for a segment below the recovery
   * point. False when either is missing or fails its sanity check: the caller then rebuilds.
   * `offsetLimit` is the next segment's base offset (every offset here is below it).
   */
  async loadIndexes(offsetLimit: number): Promise<boolean> {
    const paths = {index: this.offsetIndex.path, timeIndex: this.timeIndex.path}
    const offsetIndex = await OffsetIndex.load(this.fs, paths.index, this.baseOffset, {logSize: this.written, offsetLimit})
    const timeIndex = await TimeIndex.load(this.fs, paths.timeIndex, this.baseOffset, offsetLimit)
    if (!offsetIndex || !timeIndex) return false
    const last = timeIndex.lastEntry()
    // Closing or rolling a segment always records its largest timestamp; no entry means a lost one.
    // (A segment whose batches all lack timestamps is rebuilt each time; harmless and rare.)
    if (this.written > 0 && !last) return false
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

  /** Where a sound batch starts at or after `from`, at any byte; null when none does. */
  findSoundBatch(from: number): Promise<number | null> {
    return findSoundBatch(this.file, from, this.written)
  }

  /** Cuts the .log at `position`, which `recover` reported as the end of the sound bytes. */
  async truncateTo(position: number): Promise<void> {
    await this.file.truncate(position)
    this.written = position
    this.writeSeq++
  }

  /** Starts segment.ms from the first batch's timestamp, as Kafka does for a reloaded segment. */
  async startRollTimer(now: number): Promise<void> {
    if (this.written === 0) return
    const first = await new BatchCursor(this.file, 0, this.written).peek()
    this.rollingBasedTimestamp = first && first.maxTimestamp >= 0 ? first.maxTimestamp : now
  }

  /** Appends batches in offset order with one write; resolves once the OS has the bytes. */
  async append(batches: SegmentAppend[], indexIntervalBytes: number, now: number): Promise<void> {
    const position = this.written
    await writeAllAt(
      this.file,
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
    const cursor = new BatchCursor(this.file, this.offsetIndex.lookup(fetchOffset).position, end)
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
    let limited = first.position + length < end
    while (at + LOG_OVERHEAD <= buffer.length) {
      const size = batchSize(buffer, at)
      if (at + size > buffer.length) break
      if (readBaseOffset(buffer, at) >= upToOffset) {
        limited = true
        break
      }
      batches.push(buffer.subarray(at, at + size))
      at += size
    }
    return {batches, bytes: at, limited}
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
    if (this.syncedSeq >= target) return
    if (this.syncing && this.syncing.target >= target) return this.syncing.done
    const done = this.file.datasync().then(() => {
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
      if (closing) this.timeIndex.maybeAppend(this.maxTimestamp, this.offsetOfMaxTimestamp)
      await this.syncLog()
      await this.flushIndexes(true)
    }
    const flushed = this.flushing.then(run)
    this.flushing = flushed.catch(() => {})
    return flushed
  }

  async close(): Promise<void> {
    await this.file.close()
  }

  /** Closes and removes the segment's files (recovery dropping segments after a torn tail). */
  async delete(): Promise<void> {
    await this.file.close()
    for (const path of [this.logPath, this.offsetIndex.path, this.timeIndex.path]) {
      try {
        await this.fs.unlink(path)
      } catch (error) {
        if (!isNotFound(error)) throw error
      }
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

function segmentPaths(dir: string, baseOffset: number): {log: string; index: string; timeIndex: string} {
  return {
    log: join(dir, segmentFileName(baseOffset, LOG_SUFFIX)),
    index: join(dir, segmentFileName(baseOffset, INDEX_SUFFIX)),
    timeIndex: join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX)),
  }
}
