/**
 * Walking the batches stored in a segment's .log file (Kafka's FileRecords): headers only for
 * lookups, whole batches with their CRC for recovery. Everything reads through positional reads
 * in windows, so a 1 GiB segment never has to fit in memory.
 */
import {
  BATCH_HEADER_SIZE,
  CURRENT_MAGIC,
  LOG_OVERHEAD,
  batchSize,
  checkBatch,
  readBaseOffset,
  readLastOffsetDelta,
  readMaxTimestamp,
} from '../protocol/record-batch.js'
import {type StorageFile, readAt} from './fs.js'
import type {ReadBufferPool} from './read-buffers.js'

/** Where one stored batch lives and what its header says. */
export interface StoredBatch {
  position: number
  size: number
  baseOffset: number
  lastOffset: number
  maxTimestamp: number
}

/** Bytes read at once when looking for a batch: the index leaves at most ~4 KiB to skip. */
export const LOOKUP_WINDOW = 16 * 1024
/** Bytes read at once when validating a whole segment. */
const RECOVERY_CHUNK = 1024 * 1024
const MAGIC_AT = 16
const ZEROS = Buffer.alloc(RECOVERY_CHUNK)

/**
 * Steps through batch headers in `file[start, end)`. Reads a window at a time and keeps it, so a
 * caller that wants the bytes just looked at can often take them without another read.
 */
export class BatchCursor {
  private window: Buffer = Buffer.alloc(0)
  private windowStart = 0

  constructor(
    private readonly file: StorageFile,
    public position: number,
    readonly end: number,
    private readonly windowSize = LOOKUP_WINDOW,
    /** Where windows come from when their bytes may be sent on (and given back) by the caller. */
    private readonly buffers?: ReadBufferPool,
  ) {}

  /** The batch at the cursor; null at the end or where the bytes do not frame a whole batch. */
  async peek(): Promise<StoredBatch | null> {
    const position = this.position
    if (this.end - position < BATCH_HEADER_SIZE) return null
    if (position < this.windowStart || position + BATCH_HEADER_SIZE > this.windowStart + this.window.length) {
      const length = Math.min(this.windowSize, this.end - position)
      this.window = await readAt(this.file, position, length, this.buffers?.take(length))
      this.windowStart = position
    }
    const at = position - this.windowStart
    const size = batchSize(this.window, at)
    if (size < BATCH_HEADER_SIZE || size > this.end - position) return null
    const baseOffset = readBaseOffset(this.window, at)
    return {
      position,
      size,
      baseOffset,
      lastOffset: baseOffset + readLastOffsetDelta(this.window, at),
      maxTimestamp: readMaxTimestamp(this.window, at),
    }
  }

  /** Moves past `batch` (the one `peek` returned). */
  skip(batch: StoredBatch): void {
    this.position = batch.position + batch.size
  }

  /** `file[from, from + length)`, from the window when it holds them, else read afresh (from the pool, if any). */
  async bytes(from: number, length: number): Promise<Buffer> {
    const at = from - this.windowStart
    if (at >= 0 && at + length <= this.window.length) return this.window.subarray(at, at + length)
    return readAt(this.file, from, length, this.buffers?.take(length))
  }
}

export type BatchFault = 'incomplete' | 'length' | 'magic' | 'crc' | 'offsets'

export const FAULT_DESCRIPTIONS: Record<BatchFault, string> = {
  incomplete: 'a batch cut short (bytes missing at the end)',
  length: 'a batch length field that cannot be right',
  magic: 'a batch whose magic byte is not 2',
  crc: 'a batch whose CRC-32C does not match its contents',
  offsets: 'a batch whose offsets do not follow the batch before it',
}

/**
 * Validates every batch of `file[start, end)` (framing, magic 2, CRC-32C, offsets rising from
 * `firstOffset`) and reports each sound one. Stops at the first fault and says where it is.
 * `start` must be where a batch begins.
 */
export async function validateBatches(
  file: StorageFile,
  end: number,
  firstOffset: number,
  onBatch: (batch: StoredBatch) => void,
  start = 0,
): Promise<{validBytes: number; fault: BatchFault | null}> {
  let chunk: Buffer = Buffer.alloc(0)
  let chunkStart = start
  let position = start
  let expectedOffset = firstOffset
  const ensure = async (length: number) => {
    if (position + length <= chunkStart + chunk.length) return
    chunk = await readAt(file, position, Math.max(length, Math.min(RECOVERY_CHUNK, end - position)))
    chunkStart = position
  }
  while (position < end) {
    if (end - position < LOG_OVERHEAD) return {validBytes: position, fault: 'incomplete'}
    await ensure(LOG_OVERHEAD)
    const size = batchSize(chunk, position - chunkStart)
    if (size < BATCH_HEADER_SIZE) return {validBytes: position, fault: end - position < BATCH_HEADER_SIZE ? 'incomplete' : 'length'}
    if (size > end - position) return {validBytes: position, fault: 'incomplete'}
    await ensure(size)
    const at = position - chunkStart
    const problem = checkBatch(chunk, at, at + size)
    if (problem) return {validBytes: position, fault: problem === 'short' ? 'incomplete' : problem}
    const baseOffset = readBaseOffset(chunk, at)
    const lastOffsetDelta = readLastOffsetDelta(chunk, at)
    if (baseOffset < expectedOffset || lastOffsetDelta < 0) return {validBytes: position, fault: 'offsets'}
    const lastOffset = baseOffset + lastOffsetDelta
    onBatch({position, size, baseOffset, lastOffset, maxTimestamp: readMaxTimestamp(chunk, at)})
    expectedOffset = lastOffset + 1
    position += size
  }
  return {validBytes: position, fault: null}
}

/**
 * The position of the first sound batch (framing, magic, CRC-32C) starting anywhere in
 * `file[from, end)`, at any byte; null when there is none. This is what tells a torn tail (only
 * garbage after the damage) from damage in the middle of the log.
 */
export async function findSoundBatch(file: StorageFile, from: number, end: number): Promise<number | null> {
  let chunkStart = from
  while (end - chunkStart >= BATCH_HEADER_SIZE) {
    const chunk = await readAt(file, chunkStart, Math.min(RECOVERY_CHUNK, end - chunkStart))
    const lastCandidate = chunk.length - BATCH_HEADER_SIZE
    for (let at = 0; at <= lastCandidate; at++) {
      if (chunk[at + MAGIC_AT] !== CURRENT_MAGIC) continue
      const size = batchSize(chunk, at)
      const position = chunkStart + at
      if (size < BATCH_HEADER_SIZE || size > end - position) continue
      const bytes = at + size <= chunk.length ? chunk.subarray(at, at + size) : await readAt(file, position, size)
      if (checkBatch(bytes) === null && readLastOffsetDelta(bytes) >= 0) return position
    }
    chunkStart += lastCandidate + 1
  }
  return null
}

/**
 * Whether `file[from, end)` is all zero bytes: zero-filled space past the data (see zero-fill.ts),
 * which a crash or a reader of a live segment can find after the last batch. It holds no batch.
 */
export async function isZeroFrom(file: StorageFile, from: number, end: number): Promise<boolean> {
  for (let at = from; at < end; at += RECOVERY_CHUNK) {
    const chunk = await readAt(file, at, Math.min(RECOVERY_CHUNK, end - at))
    if (!chunk.equals(ZEROS.subarray(0, chunk.length))) return false
  }
  return true
}
