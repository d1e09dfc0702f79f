/**
 * kafka-dump-log over files on disk: a segment's batches (and records, deep), an offset index's
 * entries each checked against the batch it points at, a time index's entries each checked
 * against the batch it names. Reads a segment through a sliding window, so a 1 GiB segment is
 * never held in memory. Problems are collected and printed after every file, as Kafka does.
 */
import {type FileHandle, open, readFile} from 'node:fs/promises'
import {basename, dirname, join, resolve} from 'node:path'
import {BATCH_HEADER_SIZE, batchSize, CURRENT_MAGIC, LOG_OVERHEAD, readBatchHeader, type BatchHeader} from '../protocol/record-batch.js'
import {decodeRecordBatch} from '../protocol/records.js'
import {CliError} from './errors.js'
import {
  batchCrcValid,
  batchLine,
  indexedPosition,
  lastOffsetOf,
  offsetIndexEntries,
  type RecordLineOptions,
  recordLine,
  segmentBaseOffset,
  timeIndexEntries,
} from './segment-format.js'

export interface DumpOptions extends RecordLineOptions {
  /** --deep-iteration (implied by --print-data-log): every record, not only batches. */
  deep: boolean
  /** --verify-index-only: check index entries without printing them. */
  verifyOnly: boolean
}

/** Where a dump writes: stdout lines as they come, and the problems report at the end. */
export interface DumpSink {
  line(text: string): void
  problem(text: string): void
}

interface Problems {
  indexMismatches: Map<string, Array<[number, number]>>
  timestampMismatches: Map<string, Array<[number, number]>>
  outOfOrder: Map<string, Array<[number, number]>>
  notFound: Map<string, Array<[number, number]>>
  nonConsecutive: Map<string, Array<[number, number]>>
  /** Corrupt batches and torn tails, which make the dump fail. */
  damaged: number
  /**
   * Findings about an all-zero first index slot: Kafka preallocates a live segment's indexes
   * zero-filled, so such a slot is unused space, reported as Kafka reports it but no failure.
   */
  unusedSlots: number
}

const WINDOW_BYTES = 1 << 20

/** Dumps each file in turn; returns false when any batch or index entry failed verification. */
export async function dumpFiles(paths: readonly string[], opts: DumpOptions, sink: DumpSink): Promise<boolean> {
  const problems: Problems = {
    indexMismatches: new Map(),
    timestampMismatches: new Map(),
    outOfOrder: new Map(),
    notFound: new Map(),
    nonConsecutive: new Map(),
    damaged: 0,
    unusedSlots: 0,
  }
  for (const path of paths) {
    sink.line(`Dumping ${path}`)
    if (path.endsWith('.log')) await dumpLog(path, opts, sink, problems)
    else if (path.endsWith('.timeindex')) await dumpTimeIndex(path, opts, sink, problems)
    else if (path.endsWith('.index')) await dumpOffsetIndex(path, opts, sink, problems)
    else sink.problem(`Ignoring unknown file ${path}`)
  }
  reportProblems(problems, sink)
  const failures = [problems.indexMismatches, problems.timestampMismatches, problems.outOfOrder, problems.notFound]
  const found = failures.reduce((sum, map) => sum + [...map.values()].reduce((n, list) => n + list.length, 0), 0)
  return problems.damaged === 0 && found === problems.unusedSlots
}

async function dumpLog(path: string, opts: DumpOptions, sink: DumpSink, problems: Problems): Promise<void> {
  const base = segmentBaseOffset(basename(path))
  if (base !== null) sink.line(`Log starting offset: ${base}`)
  await withSegment(path, async (segment) => {
    let lastOffset = -1
    let position = 0
    for await (const batch of segment.batches(0)) {
      position = batch.position + batch.bytes.length
      const valid = batchCrcValid(batch.bytes)
      if (!valid) problems.damaged++
      sink.line(batchLine(batch.header, batch.position, batch.bytes.length, valid))
      if (!opts.deep) continue
      if (!valid) {
        sink.problem(`Skipping the records of the batch at position ${batch.position}: its CRC does not match`)
        continue
      }
      let records
      try {
        records = decodeRecordBatch(batch.bytes).records
      } catch (error) {
        problems.damaged++
        sink.problem(`Cannot read the records of the batch at position ${batch.position}: ${(error as Error).message}`)
        continue
      }
      for (const record of records) {
        if (lastOffset >= 0 && record.offset !== lastOffset + 1) add(problems.nonConsecutive, path, [lastOffset, record.offset])
        lastOffset = record.offset
        sink.line(recordLine(record, batch.header, opts))
      }
    }
    const trailing = segment.size - position
    // A running broker zero-fills ahead of an acks=all log's data: those zeros hold no batch.
    if (trailing > 0 && !(await segment.isZeroFrom(position))) {
      problems.damaged++
      sink.line(`Found ${trailing} invalid bytes at the end of ${basename(path)}`)
    }
  })
}

async function dumpOffsetIndex(path: string, opts: DumpOptions, sink: DumpSink, problems: Problems): Promise<void> {
  const base = requireBaseOffset(path)
  const entries = offsetIndexEntries(await readWhole(path), base)
  if (entries.length === 0) {
    sink.line(`${path} is empty.`)
    return
  }
  await withSegment(companion(path, '.log'), async (segment) => {
    for (const [i, entry] of entries.entries()) {
      const header = await segment.headerAt(entry.position)
      const logOffset = header ? lastOffsetOf(header) : -1
      if (logOffset !== entry.offset) {
        add(problems.indexMismatches, path, [entry.offset, logOffset])
        if (i === 0 && entry.offset === base && entry.position === 0) problems.unusedSlots++
      }
      if (!opts.verifyOnly) sink.line(`offset: ${entry.offset} position: ${entry.position}`)
    }
  })
}

async function dumpTimeIndex(path: string, opts: DumpOptions, sink: DumpSink, problems: Problems): Promise<void> {
  const base = requireBaseOffset(path)
  const entries = timeIndexEntries(await readWhole(path), base)
  const offsetIndex = offsetIndexEntries(await readWhole(companion(path, '.index'), {optional: true}), base)
  await withSegment(companion(path, '.log'), async (segment) => {
    let previous = -1
    for (const [i, entry] of entries.entries()) {
      const unused = i === 0 && entry.offset === base && entry.timestamp === 0
      const before = problems.notFound.get(path)?.length ?? 0
      const mismatched = problems.timestampMismatches.get(path)?.length ?? 0
      let found: BatchHeader | undefined
      for await (const batch of segment.batches(indexedPosition(offsetIndex, entry.offset))) {
        if (lastOffsetOf(batch.header) >= entry.offset) {
          found = batch.header
          break
        }
      }
      if (!found) add(problems.notFound, path, [entry.offset, -1])
      else if (lastOffsetOf(found) !== entry.offset) add(problems.notFound, path, [entry.offset, lastOffsetOf(found)])
      else {
        if (found.maxTimestamp !== entry.timestamp) add(problems.timestampMismatches, path, [entry.timestamp, found.maxTimestamp])
        if (previous >= entry.timestamp) add(problems.outOfOrder, path, [entry.timestamp, previous])
      }
      if (unused)
        problems.unusedSlots +=
          (problems.notFound.get(path)?.length ?? 0) - before + (problems.timestampMismatches.get(path)?.length ?? 0) - mismatched
      if (!opts.verifyOnly) sink.line(`timestamp: ${entry.timestamp} offset: ${entry.offset}`)
      previous = entry.timestamp
    }
  })
}

function reportProblems(problems: Problems, sink: DumpSink): void {
  for (const [file, list] of problems.indexMismatches) {
    sink.problem(`Mismatches in :${resolve(file)}`)
    for (const [indexOffset, logOffset] of list) sink.problem(`  Index offset: ${indexOffset}, log offset: ${logOffset}`)
  }
  for (const [file, list] of problems.timestampMismatches) {
    sink.problem(`Found timestamp mismatch in :${resolve(file)}`)
    for (const [indexed, logged] of list) sink.problem(`  Index timestamp: ${indexed}, log timestamp: ${logged}`)
  }
  for (const [file, list] of problems.outOfOrder) {
    sink.problem(`Found out of order timestamp in :${resolve(file)}`)
    for (const [indexed, before] of list) sink.problem(`  Index timestamp: ${indexed}, Previously indexed timestamp: ${before}`)
  }
  for (const list of problems.notFound.values()) {
    sink.problem('The following indexed offsets are not found in the log.')
    for (const [indexed, logged] of list) sink.problem(`Indexed offset: ${indexed}, found log offset: ${logged}`)
  }
  for (const [file, list] of problems.nonConsecutive) {
    sink.problem(`Non-consecutive offsets in ${resolve(file)}`)
    for (const [first, second] of list) sink.problem(`  ${first} is followed by ${second}`)
  }
}

function add(map: Map<string, Array<[number, number]>>, file: string, pair: [number, number]): void {
  let list = map.get(file)
  if (!list) map.set(file, (list = []))
  list.push(pair)
}

function requireBaseOffset(path: string): number {
  const base = segmentBaseOffset(basename(path))
  if (base === null) throw new CliError(`${path} is not named like a segment file (20-digit base offset, e.g. 00000000000000000000.index).`)
  return base
}

/** The .log (or .index) file next to an index file, as Kafka finds it. */
function companion(path: string, suffix: string): string {
  const name = basename(path)
  return join(dirname(path), name.slice(0, name.indexOf('.')) + suffix)
}

async function readWhole(path: string, opts: {optional?: boolean} = {}): Promise<Buffer> {
  try {
    return await readFile(path)
  } catch (error) {
    if (opts.optional && (error as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0)
    throw cannotRead(path, error)
  }
}

function cannotRead(path: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code
  return new CliError(`Cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
}

interface StoredBatch {
  position: number
  header: BatchHeader
  bytes: Buffer
}

/** A segment file read through a window: whole batches in order, or one header at a position. */
class SegmentReader {
  private window = Buffer.alloc(0)
  private windowStart = 0

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** The header of the batch starting at `position`, or undefined when no sound batch starts there. */
  async headerAt(position: number): Promise<BatchHeader | undefined> {
    const head = await this.bytes(position, BATCH_HEADER_SIZE)
    if (!head || head.readInt8(16) !== CURRENT_MAGIC) return undefined
    return readBatchHeader(head)
  }

  /** Whole batches from `position` to the first one that is cut short or not a v2 batch. */
  async *batches(position: number): AsyncGenerator<StoredBatch> {
    while (position + LOG_OVERHEAD <= this.size) {
      const head = await this.bytes(position, BATCH_HEADER_SIZE)
      if (!head || head.readInt8(16) !== CURRENT_MAGIC) return
      const length = batchSize(head)
      if (length < BATCH_HEADER_SIZE) return
      const bytes = await this.bytes(position, length)
      if (!bytes) return
      yield {position, header: readBatchHeader(bytes), bytes}
      position += length
    }
  }

  /** Whether every byte from `position` to the end is zero. */
  async isZeroFrom(position: number): Promise<boolean> {
    for (let at = position; at < this.size; at += WINDOW_BYTES) {
      const chunk = await this.bytes(at, Math.min(WINDOW_BYTES, this.size - at))
      if (!chunk || chunk.some((byte) => byte !== 0)) return false
    }
    return true
  }

  private async bytes(position: number, length: number): Promise<Buffer | undefined> {
    if (position + length > this.size) return undefined
    const offset = position - this.windowStart
    if (offset < 0 || offset + length > this.window.length) {
      const wanted = Math.min(Math.max(length, WINDOW_BYTES), this.size - position)
      const window = Buffer.allocUnsafe(wanted)
      const {bytesRead} = await this.handle.read(window, 0, wanted, position)
      this.window = window.subarray(0, bytesRead)
      this.windowStart = position
      if (bytesRead < length) return undefined
    }
    // A copy: the window is replaced as reading moves on, and callers keep batches.
    return Buffer.from(this.window.subarray(position - this.windowStart, position - this.windowStart + length))
  }
}

async function withSegment(path: string, use: (segment: SegmentReader) => Promise<void>): Promise<void> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (error) {
    throw cannotRead(path, error)
  }
  try {
    await use(new SegmentReader(handle, (await handle.stat()).size))
  } finally {
    await handle.close()
  }
}
