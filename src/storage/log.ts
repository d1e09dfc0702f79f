/**
 * A partition's log (Kafka's UnifiedLog/LocalLog on one node): a row of segments, the newest one
 * active. Offsets are handed out synchronously when `append` is called, so callers see them in
 * call order; the bytes then go through one serial writer, so file order is offset order.
 *
 * Retention, DeleteRecords and compaction change the row of segments. They run one at a time per
 * log, and each change to the row is a step in the same serial queue as the writes, so it never
 * meets a roll or a half-written group. The row is replaced, never edited in place, so a reader
 * walks the segments it started with; it holds them open until it is done.
 */
import {readEndTxnMarker} from '../protocol/end-txn-marker.js'
import {
  ATTR_CONTROL,
  BATCH_HEADER_SIZE,
  batchSize,
  readBatchHeader,
  readLastOffsetDelta,
  readMaxTimestamp,
  readProducerId,
  writeBaseOffset,
} from '../protocol/record-batch.js'
import {type CleanerState, type CompactionPolicy, type CompactionResult, compactLog} from './cleaner.js'
import {CorruptBatchError, KAFKA_STORAGE_ERROR, OffsetOutOfRangeError, StorageError} from './errors.js'
import {type StorageFs, nodeFs, syncDir} from './fs.js'
import {GroupCommit} from './group-commit.js'
import {DEFAULT_LOG_CONFIG, type LogConfig} from './log-config.js'
import {ProducerStateManager} from './producer-state-manager.js'
import type {ProducerStateTable} from './producer-state-table.js'
import {type StorageLogger, loadLog} from './recovery.js'
import {type RetentionPolicy, expiredSegmentCount} from './retention.js'
import {LogSegment, type ScannedBatchHeader} from './segment.js'
import {ZERO_FILL_IDLE_MS, ZeroFillBudget} from './zero-fill.js'

export {DEFAULT_LOG_CONFIG, type LogConfig} from './log-config.js'
export type {StorageLogger} from './recovery.js'

const MAX_RELATIVE_OFFSET = 0x7fffffff
/**
 * The largest acks=all group written through O_DSYNC. A larger write (librdkafka sends ~1 MB
 * requests) pays more for not overlapping the previous group's fdatasync than it saves in the
 * trip to the threadpool: kcat 1 KB acks=all ran ~20% slower written through.
 */
const WRITE_THROUGH_MAX_BYTES = 256 * 1024

export interface PartitionLogOptions {
  topic: string
  partition: number
  dir: string
  config?: Partial<LogConfig>
  logger: StorageLogger
  fs?: StorageFs
  /** The clock, in ms: segment.ms and segment roll timing read it. */
  now?: () => number
  /** The clean-shutdown marker was found, so the segments need no scan. */
  hadCleanShutdown?: boolean
  recoveryPoint?: number
  logStartOffset?: number
  /** From the cleaner-offset-checkpoint: offsets below it were compacted by a complete pass. */
  cleanerCheckpoint?: number
  /**
   * Makes the log start offset durable (the log-start-offset checkpoint) once DeleteRecords or
   * retention has moved it.
   */
  checkpointLogStartOffset?: () => Promise<void>
  /** Zero-filled space all logs together may hold ahead of their data (see zero-fill.ts). */
  zeroFillBudget?: ZeroFillBudget
}

interface PendingAppend {
  kind: 'append'
  batch: Buffer
  baseOffset: number
  lastOffset: number
  durable: boolean
  written: boolean
  resolve: (offsets: {baseOffset: number; lastOffset: number}) => void
  reject: (error: unknown) => void
}

/** A point in the write queue: reached once everything queued before it is written. */
interface Barrier {
  kind: 'barrier'
  resolve: () => void
  reject: (error: unknown) => void
}

/** A change to the row of segments, run in the write queue between two writes. */
interface QueuedTask {
  kind: 'task'
  run: () => Promise<void>
  reject: (error: unknown) => void
}

type QueueItem = PendingAppend | Barrier | QueuedTask

export class PartitionLog {
  private nextOffset: number
  private startOffset: number
  private flushedOffset: number
  private config: LogConfig
  private segments: readonly LogSegment[]
  private queue: QueueItem[] = []
  private draining = false
  private failure: StorageError | null = null
  private closing = false
  /** Retention, DeleteRecords and compaction, one at a time. */
  private maintaining: Promise<unknown> = Promise.resolve()
  private readonly cleanerState: CleanerState
  /** Segments written since their last fsync: what a group commit must cover. */
  private readonly unsynced = new Set<LogSegment>()
  /** Two fsyncs may overlap: acks=all requests waited ~40% less than with one at a time. */
  private readonly groupCommit = new GroupCommit(() => this.syncWrittenSegments(), 2)
  private readonly producerStates: ProducerStateManager
  /** Runs trimZerosWhenIdle's cut; pushed back by every acks=all append. */
  private zeroFillIdle: NodeJS.Timeout | null = null

  private constructor(
    readonly topic: string,
    readonly partition: number,
    readonly dir: string,
    segments: LogSegment[],
    loaded: {logStartOffset: number; recoveryPoint: number; cleanerCheckpoint: number | undefined; hadCleanShutdown: boolean},
    config: LogConfig,
    private readonly fs: StorageFs,
    private readonly now: () => number,
    private readonly logger: StorageLogger,
    private readonly checkpointLogStartOffset: () => Promise<void>,
    private readonly zeroFillBudget: ZeroFillBudget,
  ) {
    this.config = config
    this.segments = segments
    this.nextOffset = this.active.nextOffset
    this.startOffset = loaded.logStartOffset
    this.flushedOffset = loaded.recoveryPoint
    const cleaned = loaded.cleanerCheckpoint
    this.cleanerState = {cleanedUpTo: cleaned === undefined ? null : Math.min(cleaned, this.nextOffset), tombstonesExpireAt: null}
    this.producerStates = new ProducerStateManager({
      fs,
      dir,
      logger,
      log: {
        firstSegmentOffset: () => this.segments[0].baseOffset,
        logStartOffset: () => this.startOffset,
        scanBatchHeaders: (from, to, visit) => this.scanBatchHeaders(from, to, visit),
      },
      openedEndOffset: this.nextOffset,
      // An empty log, new or not, has no producer history for a snapshot to keep.
      hadCleanShutdown: loaded.hadCleanShutdown || this.nextOffset === 0,
    })
  }

  /** Opens (recovering if need be) or creates the log in `dir`. */
  static async open(options: PartitionLogOptions): Promise<PartitionLog> {
    const fs = options.fs ?? nodeFs
    const now = options.now ?? Date.now
    const config = {...DEFAULT_LOG_CONFIG, ...options.config}
    await fs.mkdir(options.dir)
    const loaded = await loadLog({
      fs,
      dir: options.dir,
      config,
      logger: options.logger,
      now: now(),
      hadCleanShutdown: options.hadCleanShutdown ?? false,
      recoveryPoint: options.recoveryPoint,
      logStartOffset: options.logStartOffset,
    })
    return new PartitionLog(
      options.topic,
      options.partition,
      options.dir,
      loaded.segments,
      {...loaded, cleanerCheckpoint: options.cleanerCheckpoint, hadCleanShutdown: options.hadCleanShutdown ?? false},
      config,
      fs,
      now,
      options.logger,
      options.checkpointLogStartOffset ?? (async () => {}),
      options.zeroFillBudget ?? new ZeroFillBudget(),
    )
  }

  get logStartOffset(): number {
    return this.startOffset
  }

  /** The offset the next append gets. On a single node this is also the high watermark. */
  get logEndOffset(): number {
    return this.nextOffset
  }

  /** Every offset below this is on disk (fsync'd with its indexes): the recovery-point checkpoint. */
  get recoveryPoint(): number {
    return this.flushedOffset
  }

  sizeInBytes(): number {
    return this.segments.reduce((sum, segment) => sum + segment.size, 0)
  }

  /** The segments' base offsets, oldest first. */
  get segmentBaseOffsets(): number[] {
    return this.segments.map((segment) => segment.baseOffset)
  }

  /** Offsets below this were compacted by the last complete cleaning pass; null: never cleaned. */
  get cleanerCheckpoint(): number | null {
    return this.cleanerState.cleanedUpTo
  }

  /** The idempotent producers' state if already loaded: the produce path checks sequences against it. */
  get loadedProducerState(): ProducerStateTable | null {
    return this.producerStates.loaded
  }

  /**
   * The idempotent producers' state and the partition's transactions (open ones, for the last
   * stable offset; aborted ones, for read_committed fetches), loaded on first use from the newest
   * producer snapshot and the batches stored after it. Each idempotent append, transaction
   * markers included, updates it as its offsets are assigned.
   */
  producerState(): Promise<ProducerStateTable> {
    return this.producerStates.load()
  }

  updateConfig(config: Partial<LogConfig>): void {
    this.config = {...this.config, ...config}
  }

  /**
   * Stores `batch` (a RecordBatch v2, its base offset rewritten in place). The offsets are
   * assigned before this returns; the promise resolves once the OS has the bytes, or with
   * `durable` once they are fsync'd too (shared with concurrent durable appends).
   */
  append(batch: Buffer, opts: {durable: boolean}): Promise<{baseOffset: number; lastOffset: number}> {
    if (this.failure) return Promise.reject(this.failure)
    if (this.closing) return Promise.reject(new StorageError(`The log of ${this.topic}-${this.partition} is closed`))
    if (batch.length < BATCH_HEADER_SIZE || batchSize(batch) !== batch.length || readLastOffsetDelta(batch) < 0)
      return Promise.reject(new CorruptBatchError('A record batch to append does not frame itself correctly'))
    const baseOffset = this.nextOffset
    const lastOffset = baseOffset + readLastOffsetDelta(batch)
    writeBaseOffset(batch, baseOffset)
    this.nextOffset = lastOffset + 1
    if (readProducerId(batch) >= 0) this.noteProducerBatch(batch, baseOffset)
    return new Promise((resolve, reject) => {
      this.enqueue({kind: 'append', batch, baseOffset, lastOffset, durable: opts.durable, written: false, resolve, reject})
    })
  }

  /**
   * Whole stored batches from the one holding `fetchOffset`, across segments, stopping before
   * `upToOffset` and before exceeding `maxBytes`, except that the first batch always comes back
   * whole (KIP-74). Only bytes whose write has completed are returned.
   */
  async read(fetchOffset: number, maxBytes: number, upToOffset?: number): Promise<{batches: Buffer[]; bytes: number}> {
    if (fetchOffset < this.startOffset || fetchOffset > this.nextOffset)
      throw new OffsetOutOfRangeError(
        `Offset ${fetchOffset} is outside the log of ${this.topic}-${this.partition}: [${this.startOffset}, ${this.nextOffset}]`,
      )
    const batches: Buffer[] = []
    let bytes = 0
    if (fetchOffset === this.nextOffset) return {batches, bytes}
    const segments = this.retainSegments(segmentIndexFor(this.segments, fetchOffset))
    try {
      for (const segment of segments) {
        const read = await segment.read(fetchOffset, maxBytes - bytes, batches.length === 0, upToOffset)
        batches.push(...read.batches)
        bytes += read.bytes
        if (read.limited) break
      }
    } finally {
      for (const segment of segments) segment.release()
    }
    return {batches, bytes}
  }

  /**
   * The first stored batch holding a record stamped at or after `timestamp` (by its
   * maxTimestamp), with its bytes so the caller can find the exact record inside it.
   */
  async offsetForTimestamp(timestamp: number): Promise<{offset: number; timestamp: number; batch: Buffer} | null> {
    const segments = this.retainSegments(0)
    try {
      for (const segment of segments) {
        const found = await segment.findByTimestamp(timestamp, this.startOffset)
        if (found) return found
      }
      return null
    } finally {
      for (const segment of segments) segment.release()
    }
  }

  /**
   * DeleteRecords: moves the log start offset up to `offset` (never down), makes it durable, then
   * deletes the segments wholly below it. Reads below the new start get OFFSET_OUT_OF_RANGE.
   * Resolves with the log start offset (the low watermark DeleteRecords answers with).
   */
  deleteRecordsBefore(offset: number): Promise<number> {
    const unusable = this.refusal()
    if (unusable) return Promise.reject(unusable)
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > this.nextOffset)
      return Promise.reject(
        new OffsetOutOfRangeError(
          `Cannot delete records of ${this.topic}-${this.partition} before offset ${offset}: ` +
            `it is outside the log [${this.startOffset}, ${this.nextOffset}]`,
        ),
      )
    return this.exclusive(async () => {
      const refusal = this.refusal()
      if (refusal) throw refusal
      if (offset > this.startOffset) {
        this.startOffset = offset
        await this.checkpointLogStartOffset().catch((error: unknown) => {
          const reason = error instanceof Error ? error.message : String(error)
          throw new StorageError(
            `The new log start offset ${offset} of ${this.topic}-${this.partition} could not be saved (${reason})`,
            KAFKA_STORAGE_ERROR,
            {cause: error},
          )
        })
      }
      await this.deleteOldestSegments({deleteExpired: false, retentionMs: -1, retentionBytes: -1}, this.now())
      return this.startOffset
    })
  }

  /**
   * Deletes whole segments, oldest first: those wholly below the log start offset and, when
   * `policy.deleteExpired`, those past retention.ms or retention.bytes. An expired active segment
   * is rolled first, so the log always has a segment to append to. Resolves with how many
   * segments went; a closing or failed log does nothing.
   */
  applyRetention(policy: RetentionPolicy, now: number): Promise<number> {
    return this.exclusive(async () => (this.refusal() ? 0 : this.deleteOldestSegments(policy, now)))
  }

  /**
   * One compaction pass (cleanup.policy=compact) when the log is due for one: see cleaner.ts.
   * Resolves with what it did, or null when there was nothing to do.
   */
  compact(policy: CompactionPolicy, now: number): Promise<CompactionResult | null> {
    return this.exclusive(async () => {
      if (this.refusal()) return null
      const producers = await this.producerState()
      return compactLog(
        {
          name: `${this.topic}-${this.partition}`,
          dir: this.dir,
          fs: this.fs,
          logger: this.logger,
          indexIntervalBytes: this.config.indexIntervalBytes,
          segments: this.segments,
          logStartOffset: this.startOffset,
          // Segments from the first open transaction on stay dirty until its outcome is known.
          recoveryPoint: Math.min(this.flushedOffset, producers.firstUnstableOffset() ?? Number.POSITIVE_INFINITY),
          producersLastOffsets: producers.lastOffsets(),
          inAbortedTransaction: (producerId, offset) => producers.isAborted(producerId, offset),
          state: this.cleanerState,
          stopping: () => this.refusal() !== null,
          replace: (old, cleaned) => this.replaceSegment(old, cleaned),
        },
        policy,
        now,
      )
    })
  }

  /**
   * ListOffsets -3: the largest timestamp in the log and the last offset of the (earliest) batch
   * carrying it. Without decoding records that is the record holding it whenever timestamps
   * rise within a batch.
   */
  async maxTimestampEntry(): Promise<{offset: number; timestamp: number} | null> {
    let best: {offset: number; timestamp: number} | null = null
    for (const segment of this.segments) {
      if (segment.maxTimestamp >= 0 && (!best || segment.maxTimestamp > best.timestamp))
        best = {offset: segment.offsetOfMaxTimestamp, timestamp: segment.maxTimestamp}
    }
    return best
  }

  /** Writes and fsyncs everything appended before the call, indexes included. */
  async flush(): Promise<void> {
    const target = this.nextOffset
    await this.barrier()
    await this.flushSegments(this.segments.filter((segment) => this.unsynced.has(segment) || segment === this.active), false)
    this.flushedOffset = Math.max(this.flushedOffset, target)
  }

  /**
   * Stops taking appends, finishes the queued ones, makes everything durable and closes the
   * files. A log that failed is closed without the final flush.
   */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    if (this.zeroFillIdle) clearTimeout(this.zeroFillIdle)
    try {
      await this.maintaining
      await this.barrier().catch(() => {})
      await this.groupCommit.settled()
      if (!this.failure) {
        await this.flushSegments([...this.unsynced].filter((segment) => segment !== this.active), false)
        await this.flushSegments([this.active], true)
        this.flushedOffset = this.nextOffset
        await this.saveProducerState(() => this.producerStates.snapshotOnClose(() => this.nextOffset, () => this.flushedOffset))
      }
    } finally {
      await Promise.allSettled(this.segments.map((segment) => segment.close()))
    }
  }

  private get active(): LogSegment {
    return this.segments[this.segments.length - 1]
  }

  /** The segments from index `from` on, each held open until the caller releases it. */
  private retainSegments(from: number): LogSegment[] {
    const segments = this.segments.slice(from)
    for (const segment of segments) segment.retain()
    return segments
  }

  /** Why the log takes no maintenance or DeleteRecords now; null when it does. */
  private refusal(): StorageError | null {
    if (this.failure) return this.failure
    if (this.closing) return new StorageError(`The log of ${this.topic}-${this.partition} is closed`)
    return null
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.maintaining.then(work)
    this.maintaining = run.catch(() => {})
    return run
  }

  /** Retention's rule applied in the write queue, then the chosen segments' files removed. */
  private async deleteOldestSegments(policy: RetentionPolicy, now: number): Promise<number> {
    const startBefore = this.startOffset
    const removed = await this.inQueue(async () => {
      const facts = await Promise.all(
        this.segments.map(async (segment) => ({
          baseOffset: segment.baseOffset,
          size: segment.size,
          largestTimestamp: await segment.largestTimestamp(),
        })),
      )
      const count = expiredSegmentCount(facts, policy, {now, logStartOffset: this.startOffset})
      if (count === 0) return []
      if (count === this.segments.length) await this.roll(this.active.nextOffset)
      return this.detachOldest(count)
    })
    if (removed.length === 0) return 0
    if (this.startOffset !== startBefore) await this.checkpointLogStartOffset()
    try {
      for (const segment of removed) await segment.deleteFiles()
    } finally {
      for (const segment of removed) segment.retire()
    }
    const firstKept = this.segments[0].baseOffset
    await this.saveProducerState(() => this.producerStates.onOldestSegmentsDeleted(firstKept))
    this.logger.info(
      `Deleted ${removed.length} segment(s) of ${this.topic}-${this.partition} from offset ${removed[0].baseOffset}; ` +
        `the log now starts at offset ${this.startOffset}`,
    )
    return removed.length
  }

  /**
   * Takes the `count` oldest segments out of the log and renames their files to `.deleted`,
   * oldest first, so a crash leaves the log starting at a segment boundary. Runs in the queue.
   */
  private async detachOldest(count: number): Promise<LogSegment[]> {
    const removed = this.segments.slice(0, count)
    this.segments = this.segments.slice(count)
    this.startOffset = Math.max(this.startOffset, this.segments[0].baseOffset)
    try {
      for (const segment of removed) {
        this.unsynced.delete(segment)
        await segment.markDeleted()
      }
      await syncDir(this.fs, this.dir)
    } catch (error) {
      // The log fails with this error; the segments it already let go of must still be closed.
      for (const segment of removed) segment.retire()
      throw error
    }
    return removed
  }

  /**
   * The cleaner's swap (in the write queue): `old` leaves the log for `cleaned`, whose files
   * carry the `.swap` suffix and so already count as the new state after a crash; or, with no
   * replacement, `old` just goes. Then the old files are removed.
   */
  private async replaceSegment(old: LogSegment, cleaned: LogSegment | null): Promise<void> {
    await this.inQueue(async () => {
      const index = this.segments.indexOf(old)
      try {
        if (index < 0 || old === this.active) throw new Error(`${old.logPath} is not an inactive segment of this log`)
        await old.markDeleted()
        if (cleaned) await cleaned.moveTo('')
        await syncDir(this.fs, this.dir)
      } catch (error) {
        // The log fails with this error; the copy that never joined it must still be closed.
        cleaned?.retire()
        throw error
      }
      this.segments = [...this.segments.slice(0, index), ...(cleaned ? [cleaned] : []), ...this.segments.slice(index + 1)]
      this.unsynced.delete(old)
    })
    try {
      await old.deleteFiles()
    } finally {
      old.retire()
    }
  }

  /** Runs `work` in the write queue, after every write queued before it. */
  private inQueue<T>(work: () => Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.enqueue({kind: 'task', run: async () => resolve(await work()), reject})
    })
  }

  private barrier(): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => this.enqueue({kind: 'barrier', resolve, reject}))
  }

  private enqueue(item: QueueItem): void {
    this.queue.push(item)
    if (this.draining) return
    this.draining = true
    // Start on the next microtask, so appends made in the same tick share one write.
    queueMicrotask(() => void this.drain())
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const items = this.queue
      this.queue = []
      try {
        if (this.failure) throw this.failure
        await this.writeItems(items)
      } catch (error) {
        const failure = this.fail(error)
        for (const item of items) if (item.kind !== 'append' || !item.written) item.reject(failure)
      }
    }
    this.draining = false
  }

  private async writeItems(items: QueueItem[]): Promise<void> {
    let group: PendingAppend[] = []
    let groupBytes = 0
    for (const item of items) {
      if (item.kind !== 'append') {
        await this.writeGroup(group)
        group = []
        groupBytes = 0
        if (item.kind === 'barrier') item.resolve()
        else await item.run()
        continue
      }
      if (this.shouldRoll(item, groupBytes)) {
        await this.writeGroup(group)
        group = []
        groupBytes = 0
        await this.roll(item.baseOffset)
      }
      group.push(item)
      groupBytes += item.batch.length
    }
    await this.writeGroup(group)
  }

  /** Kafka's roll rules: size, age (segment.ms), index capacity, relative-offset range. */
  private shouldRoll(item: PendingAppend, pendingBytes: number): boolean {
    const segment = this.active
    const size = segment.size + pendingBytes
    if (size === 0) return false
    if (size + item.batch.length > this.config.segmentBytes) return true
    if (item.lastOffset - segment.baseOffset > MAX_RELATIVE_OFFSET) return true
    if (segment.indexesFull(this.config.segmentIndexBytes)) return true
    const started = segment.rollingBasedTimestamp
    return started !== null && this.now() - started > this.config.segmentMs
  }

  private async writeGroup(group: PendingAppend[]): Promise<void> {
    if (group.length === 0) return
    const segment = this.active
    // A small group that is all acks=all may be written through O_DSYNC: durable when the write returns.
    const writeThrough = group.every((item) => item.durable) && group.reduce((bytes, item) => bytes + item.batch.length, 0) <= WRITE_THROUGH_MAX_BYTES
    const synced = await segment.append(
      group.map((item) => ({
        buffer: item.batch,
        baseOffset: item.baseOffset,
        lastOffset: item.lastOffset,
        maxTimestamp: readMaxTimestamp(item.batch),
      })),
      this.config.indexIntervalBytes,
      this.now(),
      writeThrough,
    )
    const durable: PendingAppend[] = []
    for (const item of group) {
      item.written = true
      if (item.durable && !synced) durable.push(item)
      else item.resolve({baseOffset: item.baseOffset, lastOffset: item.lastOffset})
    }
    if (group.some((item) => item.durable)) {
      segment.fillAhead(this.config.segmentBytes, this.zeroFillBudget)?.catch((error) => this.fail(error))
      if (segment.zeroBytesAhead > 0) this.trimZerosWhenIdle()
    }
    if (synced) return
    this.unsynced.add(segment)
    if (durable.length === 0) return
    this.groupCommit.request().then(
      () => {
        for (const item of durable) item.resolve({baseOffset: item.baseOffset, lastOffset: item.lastOffset})
      },
      (error) => {
        const failure = this.fail(error)
        for (const item of durable) item.reject(failure)
      },
    )
  }

  /** Cuts the zeros ahead of the active segment's data once no append came for ZERO_FILL_IDLE_MS. */
  private trimZerosWhenIdle(): void {
    if (this.zeroFillIdle) {
      this.zeroFillIdle.refresh()
      return
    }
    this.zeroFillIdle = setTimeout(() => {
      this.zeroFillIdle = null
      // A failure here has failed the log, which says so itself.
      this.inQueue(() => this.active.trimZeroFill()).catch(() => {})
    }, ZERO_FILL_IDLE_MS)
    this.zeroFillIdle.unref()
  }

  /**
   * Starts a new active segment at `baseOffset`, then flushes the old one (Kafka flushes on
   * roll): once it is durable the recovery point moves up to the new segment.
   */
  private async roll(baseOffset: number): Promise<void> {
    const previous = this.active
    this.segments = [...this.segments, await LogSegment.create(this.fs, this.dir, baseOffset)]
    await syncDir(this.fs, this.dir)
    await this.flushSegments([previous], true)
    this.flushedOffset = Math.max(this.flushedOffset, baseOffset)
    await this.saveProducerState(() => this.producerStates.snapshot(() => this.nextOffset, () => this.flushedOffset))
  }

  /**
   * Producer snapshots only save work at the next start (the log can always rebuild the state), so
   * failing to write or delete one is reported, never fatal to the log.
   */
  private async saveProducerState(work: () => Promise<void>): Promise<void> {
    try {
      await work()
    } catch (error) {
      this.logger.warn(`Producer state of ${this.topic}-${this.partition} not saved: ${error instanceof Error ? error.message : String(error)}`)
    }
  }

  /**
   * Moves the producer state by an idempotent batch just given its offsets: a transaction marker
   * (written by the broker when a transaction ends) by its kind, any other batch as data. A
   * control batch that is no marker moves nothing.
   */
  private noteProducerBatch(batch: Buffer, baseOffset: number): void {
    const header: ScannedBatchHeader = readBatchHeader(batch)
    if ((header.attributes & ATTR_CONTROL) !== 0) header.marker = readEndTxnMarker(batch)
    this.producerStates.onAppend(header, baseOffset)
  }

  /** The header of each stored batch ending at or after `from` and starting before `to`. */
  private async scanBatchHeaders(from: number, to: number, visit: (header: ScannedBatchHeader) => void): Promise<void> {
    if (from >= to) return
    const segments = this.retainSegments(segmentIndexFor(this.segments, from))
    try {
      for (const segment of segments) {
        if (segment.baseOffset >= to) break
        for await (const header of segment.batchHeaders(from)) {
          if (header.baseOffset >= to) break
          visit(header)
        }
      }
    } finally {
      for (const segment of segments) segment.release()
    }
  }

  private async flushSegments(segments: LogSegment[], closing: boolean): Promise<void> {
    for (const segment of segments) {
      this.unsynced.delete(segment)
      await segment.flush(closing)
    }
  }

  /** One group commit: fdatasync every segment written since its last sync. */
  private async syncWrittenSegments(): Promise<void> {
    const segments = [...this.unsynced]
    this.unsynced.clear()
    for (const segment of segments) await segment.syncLog()
  }

  /**
   * A failed write or fsync ends the log's life until a restart: after a failed write-back the
   * OS may have dropped the dirty pages, so retrying could report success for lost data.
   */
  private fail(error: unknown): StorageError {
    if (!this.failure) {
      const reason = error instanceof Error ? error.message : String(error)
      this.failure = new StorageError(
        `The log of ${this.topic}-${this.partition} in ${this.dir} failed and takes no more writes (${reason}). ` +
          'Check the disk, then restart kbus.',
        KAFKA_STORAGE_ERROR,
        {cause: error},
      )
      this.logger.error(this.failure.message)
      for (const item of this.queue.splice(0)) item.reject(this.failure)
    }
    return this.failure
  }
}

/** The index of the segment holding `offset`: the last one whose base offset is at or below it. */
function segmentIndexFor(segments: readonly LogSegment[], offset: number): number {
  let low = 0
  let high = segments.length - 1
  while (low < high) {
    const middle = (low + high + 1) >>> 1
    if (segments[middle].baseOffset <= offset) low = middle
    else high = middle - 1
  }
  return low
}
