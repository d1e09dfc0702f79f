/**
 * Keeps a partition's idempotent-producer and transaction state across restarts (Kafka's ProducerStateManager):
 * a snapshot at each segment roll and at a clean stop; at start the newest snapshot at or below
 * the log end, then the batch headers stored after it, rebuild the rest. Nothing touches the disk
 * per append.
 *
 * The state is loaded on first use (the first idempotent produce, a roll, retention, a stop), not
 * when the log opens, so a start with thousands of partitions reads no snapshot it does not need.
 * Everything the log held at open is on disk and immutable below that end, so the load can read
 * it while new appends go on; those are kept aside and applied after it, in order.
 */
import {join} from 'node:path'
import {ATTR_CONTROL} from '../protocol/record-batch.js'
import {
  SnapshotFormatError,
  deleteProducerSnapshot,
  listProducerSnapshots,
  readProducerSnapshot,
  snapshotFileName,
  writeProducerSnapshot,
} from './producer-snapshot.js'
import {ProducerStateTable} from './producer-state-table.js'
import type {StorageFs} from './fs.js'
import type {StorageLogger} from './recovery.js'
import type {ScannedBatchHeader} from './segment.js'

/** What the manager needs of its log: where it starts, and its stored batch headers. */
export interface StoredBatchHeaders {
  /** The base offset of the oldest segment. */
  firstSegmentOffset(): number
  /** The log start offset: no read reaches below it. */
  logStartOffset(): number
  /**
   * Calls `visit` with the header of each stored batch ending at or after `from` and starting
   * before `to`, in order; a control batch's with its marker kind.
   */
  scanBatchHeaders(from: number, to: number, visit: (header: ScannedBatchHeader) => void): Promise<void>
}

export interface ProducerStateManagerParams {
  fs: StorageFs
  dir: string
  logger: StorageLogger
  log: StoredBatchHeaders
  /** The log end offset when the log was opened (after recovery cut any torn tail). */
  openedEndOffset: number
  /**
   * The previous stop was clean (or the log is empty), so the snapshots on disk, or their absence
   * in a log kbus wrote before it kept them, describe the log as it is.
   */
  hadCleanShutdown: boolean
}

export class ProducerStateManager {
  private table: ProducerStateTable | null = null
  private loading: Promise<ProducerStateTable> | null = null
  /** Idempotent batches and markers appended since the log opened, while the table is not loaded yet. */
  private pending: Array<{header: ScannedBatchHeader; firstOffset: number}> = []
  /** Offsets of the snapshot files on disk, oldest first; known once loaded. */
  private snapshots: number[] = []

  constructor(private readonly params: ProducerStateManagerParams) {}

  /** The state, if it has been loaded; the produce path reads it without waiting. */
  get loaded(): ProducerStateTable | null {
    return this.table
  }

  /**
   * Notes a batch with a producer id the log has just given offsets to (a control batch's header
   * carrying its marker kind). Synchronous, no I/O.
   */
  onAppend(header: ScannedBatchHeader, firstOffset: number): void {
    if (this.table) {
      applyBatch(this.table, header, firstOffset)
      return
    }
    this.pending.push({header, firstOffset})
    // Loading bounds what waits here; a failure is reported to the next caller of load().
    this.load().catch(() => {})
  }

  /** The state, loading it first if need be. */
  load(): Promise<ProducerStateTable> {
    if (this.table) return Promise.resolve(this.table)
    this.loading ??= this.rebuild().finally(() => {
      this.loading = null
    })
    return this.loading
  }

  /**
   * Writes the state as a snapshot at `endOffset()`, read when the state is written so they match
   * (appends made while it loads move both); skipped when the newest snapshot is already there.
   * Then deletes the snapshots older than the newest one at or below `flushedOffset`: a crash can
   * only cut unflushed data, so that one always stays valid and nothing older is ever needed.
   */
  async snapshot(endOffset: () => number, flushedOffset: () => number): Promise<void> {
    const table = await this.load()
    const offset = endOffset()
    if (this.snapshots.at(-1) !== offset) {
      await writeProducerSnapshot(this.params.fs, this.params.dir, offset, table.contents())
      this.snapshots = [...this.snapshots.filter((existing) => existing < offset), offset]
    }
    const durable = this.snapshots.filter((existing) => existing <= flushedOffset()).at(-1)
    if (durable !== undefined) await this.deleteSnapshotsBelow(durable)
  }

  /**
   * The snapshot of a clean stop. A log whose state was never needed since a clean start has
   * nothing to add: the files from before still describe it.
   */
  async snapshotOnClose(endOffset: () => number, flushedOffset: () => number): Promise<void> {
    if (!this.table && !this.loading && this.pending.length === 0 && this.params.hadCleanShutdown) return
    await this.snapshot(endOffset, flushedOffset)
  }

  /**
   * After retention or DeleteRecords deleted the segments below `firstKept`: their snapshots go,
   * and so do the aborted transactions that ended below the log start offset.
   */
  async onOldestSegmentsDeleted(firstKept: number): Promise<void> {
    const table = await this.load()
    table.forgetAbortedBefore(this.params.log.logStartOffset())
    await this.deleteSnapshotsBelow(firstKept)
  }

  /** Deletes the snapshots below `offset`; the state is loaded already, so it depends on none of them. */
  private async deleteSnapshotsBelow(offset: number): Promise<void> {
    const doomed = this.snapshots.filter((existing) => existing < offset)
    if (doomed.length === 0) return
    this.snapshots = this.snapshots.filter((existing) => existing >= offset)
    for (const existing of doomed) await deleteProducerSnapshot(this.params.fs, this.params.dir, existing)
  }

  private async rebuild(): Promise<ProducerStateTable> {
    const {fs, dir, logger, log, openedEndOffset} = this.params
    const {offsets, leftovers} = await listProducerSnapshots(fs, dir)
    for (const name of leftovers) await deleteProducerSnapshot(fs, dir, name)
    for (const offset of offsets.filter((existing) => existing > openedEndOffset)) {
      logger.warn(
        `Deleting the producer snapshot ${join(dir, snapshotFileName(offset))}: it is past the end of the log (offset ${openedEndOffset}), ` +
          'which lost its unflushed tail',
      )
      await deleteProducerSnapshot(fs, dir, offset)
    }
    const usable = offsets.filter((existing) => existing <= openedEndOffset)
    let restored: {table: ProducerStateTable; offset: number} | null = null
    while (!restored && usable.length > 0) {
      const offset = usable[usable.length - 1]
      try {
        restored = {table: ProducerStateTable.of(await readProducerSnapshot(fs, dir, offset)), offset}
      } catch (error) {
        if (!(error instanceof SnapshotFormatError)) throw error
        logger.warn(
          `Ignoring the damaged producer snapshot ${join(dir, snapshotFileName(offset))} (${error.message}); ` +
            'rebuilding the producer state from the log',
        )
        await deleteProducerSnapshot(fs, dir, offset)
        usable.pop()
      }
    }
    const table = restored?.table ?? new ProducerStateTable()
    // A log kbus wrote before it kept snapshots, stopped cleanly: like Kafka, count it as having
    // no producers rather than read all of it.
    const legacy = offsets.length === 0 && this.params.hadCleanShutdown
    const from = restored?.offset ?? (legacy ? openedEndOffset : log.firstSegmentOffset())
    await log.scanBatchHeaders(from, openedEndOffset, (header) => {
      if (header.producerId >= 0) applyBatch(table, header, header.baseOffset)
    })
    // No await from here on: appends made during the load join the table in order.
    for (const {header, firstOffset} of this.pending) applyBatch(table, header, firstOffset)
    this.pending = []
    table.forgetAbortedBefore(log.logStartOffset())
    this.snapshots = usable
    this.table = table
    return table
  }
}

/** A data batch moves its producer's sequences; a control batch only by the marker it is (none: nothing). */
function applyBatch(table: ProducerStateTable, header: ScannedBatchHeader, firstOffset: number): void {
  if ((header.attributes & ATTR_CONTROL) === 0) table.record(header, firstOffset)
  else if (header.marker) table.recordMarker(header, firstOffset, header.marker)
}
