/**
 * One topic partition as the broker serves it: the durable log plus the high watermark and the
 * wake-ups that long-polling fetches wait on.
 */
import {readBaseOffset} from '../protocol/record-batch.js'
import type {PartitionLog} from '../storage/log.js'

/** kbus is the only leader there will ever be, so the leader epoch never changes. */
export const LEADER_EPOCH = 0

export class Partition {
  private watermark: number
  private readonly appendListeners = new Set<() => void>()

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
  ) {
    this.watermark = log.logEndOffset
  }

  /**
   * The offset below which every batch is written and readable. Writes to a partition land in
   * offset order, so when any append completes every earlier one has too.
   */
  get highWatermark(): number {
    return this.watermark
  }

  get logStartOffset(): number {
    return this.log.logStartOffset
  }

  async append(batch: Buffer, durable: boolean): Promise<{baseOffset: number; lastOffset: number}> {
    const appended = await this.log.append(batch, {durable})
    if (appended.lastOffset + 1 > this.watermark) {
      this.watermark = appended.lastOffset + 1
      for (const listener of this.appendListeners) listener()
    }
    return appended
  }

  /**
   * Where read_committed readers stop (Kafka's last stable offset): the first offset of the
   * oldest transaction still open here, or the high watermark. The producer state is loaded on
   * first use, so a transaction a crash left open holds readers back until it ends.
   */
  async lastStableOffset(): Promise<number> {
    const firstUnstable = (await this.log.producerState()).firstUnstableOffset()
    // Retention or DeleteRecords may have removed the start of a transaction still open.
    return firstUnstable === null ? this.watermark : Math.max(this.logStartOffset, Math.min(firstUnstable, this.watermark))
  }

  /** The aborted transactions overlapping [from, upTo), which a read_committed reader must be told of. */
  async abortedTransactions(from: number, upTo: number): Promise<{producerId: number; firstOffset: number}[]> {
    return (await this.log.producerState()).abortedTransactions(from, upTo)
  }

  /** Whole batches from the one holding `fetchOffset`, stopping at `upTo` (the high watermark unless lower). */
  async read(fetchOffset: number, maxBytes: number, upTo = this.watermark): Promise<{batches: Buffer[]; bytes: number}> {
    const end = Math.min(upTo, this.watermark)
    if (fetchOffset >= end) return {batches: [], bytes: 0}
    const read = await this.log.read(fetchOffset, maxBytes)
    const batches: Buffer[] = []
    let bytes = 0
    for (const batch of read.batches) {
      if (readBaseOffset(batch) >= end) break
      batches.push(batch)
      bytes += batch.length
    }
    return {batches, bytes}
  }

  /** Calls `listener` after every append that moves the high watermark; returns the unsubscribe. */
  onAppend(listener: () => void): () => void {
    this.appendListeners.add(listener)
    return () => this.appendListeners.delete(listener)
  }
}
