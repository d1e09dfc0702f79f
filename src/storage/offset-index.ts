/**
 * A segment's sparse offset index (Kafka's `.index`): 8-byte entries of (offset relative to the
 * segment's base offset int32, byte position in the .log int32), one roughly every
 * `index.interval.bytes` of log. As in Kafka an entry names a batch's LAST offset and points at
 * the batch's first byte, so a lookup lands at or before the batch holding any offset.
 */
import type {StorageFs} from './fs.js'
import {IndexFile} from './index-file.js'

export const OFFSET_INDEX_ENTRY_SIZE = 8

const NO_INT32S = new Int32Array(0)

export class OffsetIndex extends IndexFile {
  // Shared empty arrays until the first entry: 10,000 empty partitions should carry no arrays of their own.
  private relativeOffsets = NO_INT32S
  private positions = NO_INT32S
  private count = 0

  private constructor(
    path: string,
    readonly baseOffset: number,
  ) {
    super(path, OFFSET_INDEX_ENTRY_SIZE)
  }

  static empty(path: string, baseOffset: number): OffsetIndex {
    return new OffsetIndex(path, baseOffset)
  }

  /**
   * The index on disk, or null when it is missing or fails the sanity check (offsets and
   * positions must rise, offsets stay below `offsetLimit`, positions inside a log of `logSize`).
   */
  static async load(
    fs: StorageFs,
    path: string,
    baseOffset: number,
    bounds: {logSize: number; offsetLimit: number},
  ): Promise<OffsetIndex | null> {
    const bytes = await IndexFile.readEntries(fs, path, OFFSET_INDEX_ENTRY_SIZE)
    if (!bytes) return null
    const index = new OffsetIndex(path, baseOffset)
    for (let at = 0; at < bytes.length; at += OFFSET_INDEX_ENTRY_SIZE) {
      const relative = bytes.readInt32BE(at)
      const position = bytes.readInt32BE(at + 4)
      const last = index.lastEntry()
      if (relative < 0 || baseOffset + relative >= bounds.offsetLimit) return null
      if (position < 0 || position >= bounds.logSize) return null
      if (last && (baseOffset + relative <= last.offset || position <= last.position)) return null
      index.push(relative, position)
    }
    index.markLoaded()
    return index
  }

  get entries(): number {
    return this.count
  }

  append(offset: number, position: number): void {
    this.push(offset - this.baseOffset, position)
  }

  /** The entry with the largest offset at or below `offset`; the segment start when none. */
  lookup(offset: number): {offset: number; position: number} {
    const relative = offset - this.baseOffset
    let low = 0
    let high = this.count - 1
    let found = -1
    while (low <= high) {
      const middle = (low + high) >>> 1
      if (this.relativeOffsets[middle] <= relative) {
        found = middle
        low = middle + 1
      } else {
        high = middle - 1
      }
    }
    if (found < 0) return {offset: this.baseOffset, position: 0}
    return {offset: this.baseOffset + this.relativeOffsets[found], position: this.positions[found]}
  }

  lastEntry(): {offset: number; position: number} | null {
    if (this.count === 0) return null
    return {offset: this.baseOffset + this.relativeOffsets[this.count - 1], position: this.positions[this.count - 1]}
  }

  protected encode(from: number, to: number): Buffer {
    const bytes = Buffer.allocUnsafe((to - from) * OFFSET_INDEX_ENTRY_SIZE)
    for (let entry = from; entry < to; entry++) {
      const at = (entry - from) * OFFSET_INDEX_ENTRY_SIZE
      bytes.writeInt32BE(this.relativeOffsets[entry], at)
      bytes.writeInt32BE(this.positions[entry], at + 4)
    }
    return bytes
  }

  /** Drops the entries at or past `offset`: the bytes they point into are about to be checked again. */
  truncateFrom(offset: number): void {
    let keep = this.count
    while (keep > 0 && this.baseOffset + this.relativeOffsets[keep - 1] >= offset) keep--
    this.keepFirst(keep)
  }

  protected clear(): void {
    this.count = 0
  }

  protected shrinkTo(count: number): void {
    this.count = count
  }

  private push(relative: number, position: number): void {
    if (this.count === this.relativeOffsets.length) {
      this.relativeOffsets = grow(this.relativeOffsets)
      this.positions = grow(this.positions)
    }
    this.relativeOffsets[this.count] = relative
    this.positions[this.count] = position
    this.count++
  }
}

function grow(array: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const bigger = new Int32Array(Math.max(16, array.length * 2))
  bigger.set(array)
  return bigger
}
