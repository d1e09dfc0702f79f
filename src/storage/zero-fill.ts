/**
 * Zero-filling ahead of the active segment's end, for logs that take acks=all appends. Writing a
 * file past its end makes every O_DSYNC write or fdatasync also commit the file's new size and
 * blocks (an ext4 journal commit; on a thin-provisioned virtual disk, the host allocating them
 * too). Over zeros written and synced beforehand, the flush carries the data alone. Postgres
 * pre-zeroes its WAL segments for the same reason.
 *
 * The zeros are written in the background, in pieces, always past the data: an append never
 * waits for them, except for the one piece in flight where it is about to write. Whatever
 * zeros the data has not reached are cut off when the segment rolls, the log closes or it goes
 * a second without appends, and recovery drops a zero tail left by a crash (see isZeroFrom).
 * Kafka's own tools stop at zeros after the data (DumpLogSegments throws CorruptRecordException),
 * so only a busy log has them, and only while busy.
 */
import type {PooledFile} from './file-pool.js'
import {writeAllAt} from './fs.js'

/** A segment holding less data than this is not zero-filled: a small writer gains nothing from it. */
export const ZERO_FILL_AFTER = 4 * 1024 * 1024
/** With no append for this long, the log cuts the zeros off (PartitionLog). */
export const ZERO_FILL_IDLE_MS = 1000
/** Bytes zero-filled at a time, ahead of the data. */
export const ZERO_FILL_CHUNK = 16 * 1024 * 1024
/** Another chunk is started once fewer zero bytes than this are left ahead of the data. */
const ZERO_FILL_LOW_WATER = 8 * 1024 * 1024
/** One write of zeros: an append that reaches the piece in flight waits for this much at most. */
const ZERO_FILL_PIECE = 1024 * 1024
/** Zero bytes all logs together may hold ahead of their data: 16 busy acks=all partitions' worth. */
export const DEFAULT_ZERO_FILL_BUDGET = 16 * ZERO_FILL_CHUNK

const ZEROS = Buffer.alloc(ZERO_FILL_PIECE)

/** How many zero bytes the logs of one broker may hold on disk ahead of their data. */
export class ZeroFillBudget {
  private available: number

  constructor(readonly limit = DEFAULT_ZERO_FILL_BUDGET) {
    this.available = limit
  }

  /** Up to `bytes`, as many as are left. */
  take(bytes: number): number {
    const granted = Math.max(0, Math.min(bytes, this.available))
    this.available -= granted
    return granted
  }

  give(bytes: number): void {
    this.available += bytes
  }

  /** Bytes granted and not given back. */
  get held(): number {
    return this.limit - this.available
  }
}

/**
 * The zero-filling of one segment's .log. The segment says where its data ends (`dataEnd`,
 * including an append in flight) and asks `inTheWay` before each write.
 */
export class SegmentZeroFill {
  /** Where the zeros written so far end: the file's size once they are. */
  private zeroEnd: number
  private piece: {start: number; end: number; done: Promise<unknown>} | null = null
  private running: Promise<void> | null = null
  private stopped = false
  /**
   * A zero write failed (a full disk, say), or the data overtook the zeros: a writer that fast
   * would only have its bytes written twice. Appends go on without zeros ahead.
   */
  private gaveUp = false
  private budget: ZeroFillBudget | null = null
  private held = 0

  constructor(
    private readonly file: PooledFile,
    private readonly dataEnd: () => number,
    size: number,
  ) {
    this.zeroEnd = size
  }

  /** Zero bytes between the data and the file's end that later appends will overwrite. */
  get bytesAhead(): number {
    return Math.max(0, this.zeroEnd - this.dataEnd())
  }

  /**
   * The write of zeros in flight over `[start, end)`, where data is to be written; null when
   * none is. The caller declares its write (in `dataEnd`) in the same step it sees null, so no
   * piece can start under it afterwards.
   */
  inTheWay(start: number, end: number): Promise<unknown> | null {
    const piece = this.piece
    return piece && piece.start < end && start < piece.end ? piece.done.catch(() => {}) : null
  }

  /**
   * Starts zero-filling the next chunk, up to `limit` (the segment's size limit), when few zero
   * bytes are left ahead and `budget` has room. The promise settles when the chunk is durable;
   * it rejects only when its fdatasync fails, which the log must treat as any failed fsync.
   */
  fillAhead(limit: number, budget: ZeroFillBudget): Promise<void> | null {
    if (this.running || this.stopped || this.gaveUp || this.dataEnd() < ZERO_FILL_AFTER || this.bytesAhead >= ZERO_FILL_LOW_WATER) return null
    // Not right at the data's end: the next append would wait for the first piece.
    const from = Math.max(this.zeroEnd, this.dataEnd() + ZERO_FILL_PIECE)
    const granted = budget.take(Math.min(from + ZERO_FILL_CHUNK, limit) - from)
    if (granted < ZERO_FILL_PIECE) {
      budget.give(granted)
      return null
    }
    this.budget = budget
    this.held += granted
    const running = this.fill(from, from + granted).finally(() => {
      this.running = null
      this.settleBudget()
    })
    this.running = running
    return running
  }

  /** Gives back the budget for zeros the data has overwritten since. */
  settleBudget(): void {
    if (this.running || !this.budget) return
    const keep = this.stopped ? 0 : this.bytesAhead
    if (this.held > keep) {
      this.budget.give(this.held - keep)
      this.held = keep
    }
  }

  /**
   * Stops filling and cuts the zeros off the file's end, which returns to `size`: for good when
   * `final` (roll, close), else until the next fillAhead. The caller keeps appends out meanwhile.
   * True when the file was truncated (its new size is durable only after an fdatasync).
   */
  async trim(size: number, final: boolean): Promise<boolean> {
    await this.halt()
    this.stopped = final
    const cut = this.zeroEnd > size
    if (cut) {
      await this.file.truncate(size)
      this.zeroEnd = size
    }
    this.settleBudget()
    return cut
  }

  /** Stops filling for good (the segment rolled, closed or left the log); zeros already written stay. */
  async stop(): Promise<void> {
    await this.halt()
    this.settleBudget()
  }

  /** Ends the chunk being filled after its piece in flight. */
  private async halt(): Promise<void> {
    this.stopped = true
    await this.running?.catch(() => {})
  }

  /** The file was cut at `size` (by recovery). */
  truncated(size: number): void {
    this.zeroEnd = Math.min(this.zeroEnd, size)
  }

  private async fill(from: number, to: number): Promise<void> {
    let at = from
    try {
      while (!this.stopped) {
        if (at < this.dataEnd()) {
          this.gaveUp = true
          break
        }
        if (at >= to) break
        const end = Math.min(at + ZERO_FILL_PIECE, to)
        const done = writeAllAt(this.file, [ZEROS.subarray(0, end - at)], at)
        this.piece = {start: at, end, done}
        // Counted before the write completes, so a trim also cuts what a failed one left.
        this.zeroEnd = Math.max(this.zeroEnd, end)
        try {
          await done
        } finally {
          this.piece = null
        }
        at = end
      }
    } catch {
      this.gaveUp = true
      return
    }
    await this.file.datasync()
  }
}
