/**
 * A segment's sparse time index (Kafka's `.timeindex`): 12-byte entries of (timestamp int64,
 * offset relative to the segment's base offset int32). An entry says "the largest timestamp up to
 * here is T, first reached by the batch ending at this offset"; entries are added only when that
 * largest timestamp grows, so they rise strictly and the last one is the segment's maximum.
 */
import type {StorageFs} from './fs.js'
import {IndexFile} from './index-file.js'

export const TIME_INDEX_ENTRY_SIZE = 12

const NO_FLOAT64S = new Float64Array(0)
const NO_INT32S = new Int32Array(0)

export class TimeIndex extends IndexFile {
  // Shared empty arrays until the first entry, as in the offset index.
  private timestamps = NO_FLOAT64S
  private relativeOffsets = NO_INT32S
  private count = 0

  private constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, TIME_INDEX_ENTRY_SIZE)
  }

  static empty(path: string, baseOffset: number): TimeIndex {
    return new TimeIndex(path, baseOffset)
  }

  /** The index on disk, or null when it is missing or fails the sanity check. */
  static async load(fs: StorageFs, path: string, baseOffset: number, offsetLimit: number): Promise<TimeIndex | null> {
    const bytes = await IndexFile.readEntries(fs, path, TIME_INDEX_ENTRY_SIZE)
    if (!bytes) return null
    const index = new TimeIndex(path, baseOffset)
    for (let at = 0; at < bytes.length; at += TIME_INDEX_ENTRY_SIZE) {
      const timestamp = Number(bytes.readBigInt64BE(at))
      const relative = bytes.readInt32BE(at + 8)
      const last = index.lastEntry()
      if (relative < 0 || baseOffset + relative >= offsetLimit) return null
      if (last && (timestamp <= last.timestamp || baseOffset + relative < last.offset)) return null
      index.push(timestamp, relative)
    }
    index.markLoaded()
    return index
  }

  get entries(): number {
    return this.count
  }

  /** Adds (timestamp, offset) unless the index already reaches that timestamp. */
  maybeAppend(timestamp: number, offset: number): void {
    // -1 is Kafka's "no timestamp": nothing to find by time.
    if (timestamp < 0) return
    const last = this.lastEntry()
    if (last && timestamp <= last.timestamp) return
    this.push(timestamp, offset - this.baseOffset)
  }

  /**
   * The offset of the last entry stamped at or before `timestamp`: every batch before it holds
   * only earlier timestamps, so a search for the first batch reaching `timestamp` starts there.
   */
  lookup(timestamp: number): number {
    let low = 0
    let high = this.count - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >>> 1
      if (this.timestamps[middle] <= timestamp) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    return found < 0 ? this.baseOffset : this.baseOffset + this.relativeOffsets[found]
  }

  lastEntry(): {timestamp: number; offset: number} | null {
    if (this.count === 0) return null
    return {timestamp: this.timestamps[this.count - 1], offset: this.baseOffset + this.relativeOffsets[this.count - 1]}
  }

  protected encode(from: number, to: number): Buffer {
    const bytes = Buffer.allocUnsafe((to - from) * TIME_INDEX_ENTRY_SIZE)
    for (let entry = from; entry < to; entry++) {
      const at = (entry - from) * TIME_INDEX_ENTRY_SIZE
      bytes.writeBigInt64BE(BigInt(this.timestamps[entry]), at)
      bytes.writeInt32BE(this.relativeOffsets[entry], at + 8)
    }
    return bytes
  }

  /** Drops the entries past `offset`. */
  truncateAfter(offset: number): void {
    let keep = this.count
    while (keep > 0 && this.baseOffset + this.relativeOffsets[keep - 1] > offset) keep--
    this.keepFirst(keep)
  }

  protected clear(): void {
    this.count = 0
  }

  protected shrinkTo(count: number): void {
    this.count = count
  }

  private push(timestamp: number, relative: number): void {
    if (this.count === this.timestamps.length) {
      const capacity = Math.max(16, this.count * 2)
      const timestamps = new Float64Array(capacity)
      timestamps.set(this.timestamps)
      this.timestamps = timestamps
      const offsets = new Int32Array(capacity)
      offsets.set(this.relativeOffsets)
      this.relativeOffsets = offsets
    }
    this.timestamps[this.count] = timestamp
    this.relativeOffsets[this.count] = relative
    this.count++
  }
}
