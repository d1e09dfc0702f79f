/**
 * What the storage tests share: valid RecordBatch v2 bytes (opaque ones, and real keyed records
 * for compaction), real temp directories, a logger that remembers, a file system that counts
 * (and can hold back) fsyncs, and one that crashes at a chosen step.
 */
import {constants} from 'node:fs'
import {mkdtemp, readdir, rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BATCH_HEADER_SIZE, type Compression, LOG_OVERHEAD, writeCrc} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch} from '../../../src/protocol/records.js'
import {type StorageFile, type StorageFs, nodeFs} from '../../../src/storage/fs.js'
import type {PartitionLog} from '../../../src/storage/log.js'

export interface BatchSpec {
  /** Records in the batch: lastOffsetDelta is records - 1. */
  records?: number
  baseTimestamp?: number
  maxTimestamp?: number
  /** Bytes of opaque record data after the header. */
  payloadBytes?: number
  /** Fills the record bytes, so batches can be told apart. */
  fill?: number
}

/** A sound v2 batch: right length, magic 2, CRC-32C over attributes..end. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const records = spec.records ?? 1
  const payloadBytes = spec.payloadBytes ?? 40
  const baseTimestamp = spec.baseTimestamp ?? 1_700_000_000_000
  const batch = Buffer.alloc(BATCH_HEADER_SIZE + payloadBytes, spec.fill ?? 0x61)
  batch.writeBigInt64BE(0n, 0)
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, 8)
  batch.writeInt32BE(0, 12) // partition leader epoch
  batch.writeInt8(2, 16) // magic
  batch.writeInt16BE(0, 21) // attributes
  batch.writeInt32BE(records - 1, 23)
  batch.writeBigInt64BE(BigInt(baseTimestamp), 27)
  batch.writeBigInt64BE(BigInt(spec.maxTimestamp ?? baseTimestamp), 35)
  batch.writeBigInt64BE(-1n, 43) // producer id
  batch.writeInt16BE(-1, 51)
  batch.writeInt32BE(-1, 53)
  batch.writeInt32BE(records, 57)
  writeCrc(batch)
  return batch
}

export async function makeTempDir(): Promise<{path: string; remove: () => Promise<void>}> {
  const path = await mkdtemp(join(tmpdir(), 'kbus-storage-'))
  return {path, remove: () => rm(path, {recursive: true, force: true})}
}

export interface RecordingLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
  warnings: string[]
  errors: string[]
}

export function recordingLogger(): RecordingLogger {
  const warnings: string[] = []
  const errors: string[] = []
  return {
    info() {},
    warn: (message) => warnings.push(message),
    error: (message) => errors.push(message),
    warnings,
    errors,
  }
}

/** nodeFs with counters: fdatasync calls, writes through O_DSYNC descriptors, and bytes read from `.log` files. */
export interface CountingFs extends StorageFs {
  datasyncs: number
  writesThrough: number
  logBytesRead: number
  /** While set, every fdatasync and O_DSYNC write waits for this promise first. */
  holdSyncs: Promise<void> | null
}

export function countingFs(): CountingFs {
  const counting: CountingFs = {
    ...nodeFs,
    datasyncs: 0,
    writesThrough: 0,
    logBytesRead: 0,
    holdSyncs: null,
    async open(path, flags) {
      const file = await nodeFs.open(path, flags)
      const isLog = String(path).endsWith('.log')
      const writesThrough = typeof flags === 'number' && (flags & constants.O_DSYNC) !== 0
      const wrapped: StorageFile = {
        read: async (buffer, offset, length, position) => {
          const result = await file.read(buffer, offset, length, position)
          if (isLog) counting.logBytesRead += result.bytesRead
          return result
        },
        write: (buffer, offset, length, position) => file.write(buffer, offset, length, position),
        writev: async (buffers, position) => {
          if (writesThrough) {
            counting.writesThrough++
            if (counting.holdSyncs) await counting.holdSyncs
          }
          return file.writev(buffers, position)
        },
        datasync: async () => {
          counting.datasyncs++
          if (counting.holdSyncs) await counting.holdSyncs
          await file.datasync()
        },
        sync: () => file.sync(),
        truncate: (length) => file.truncate(length),
        stat: () => file.stat(),
        close: () => file.close(),
      }
      return wrapped
    },
  }
  return counting
}

/** Polls `condition` until it holds or the deadline passes. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/** A real RecordBatch v2 of keyed records (null value: a tombstone), via the client codec. */
export function keyedBatch(
  records: Array<[key: string | null, value: string | null]>,
  options: {timestamp?: number; compression?: Compression; producer?: {id: number; baseSequence: number}} = {},
): Buffer {
  const timestamp = options.timestamp ?? 1_700_000_000_000
  return encodeRecordBatch({
    records: records.map(([key, value]) => ({
      key: key === null ? null : Buffer.from(key),
      value: value === null ? null : Buffer.from(value),
      timestamp,
    })),
    compression: options.compression,
    ...(options.producer && {producerId: options.producer.id, producerEpoch: 0, baseSequence: options.producer.baseSequence}),
  })
}

export interface ReadRecord {
  offset: number
  key: string | null
  value: string | null
}

/** Every record a consumer starting at the log start offset would see, decoded. */
export async function readRecords(log: PartitionLog): Promise<ReadRecord[]> {
  const {batches} = await log.read(log.logStartOffset, 1 << 30)
  return batches.flatMap((batch) =>
    decodeRecordBatch(batch)
      .records.filter((record) => record.offset >= log.logStartOffset)
      .map((record) => ({offset: record.offset, key: record.key?.toString() ?? null, value: record.value?.toString() ?? null})),
  )
}

/**
 * nodeFs that crashes at a chosen step: from the `failAt`-th rename or unlink on (counting from
 * 1), every one throws instead of happening, so the disk keeps what a crash at that point
 * leaves. `steps` counts them.
 */
export interface FaultyFs extends StorageFs {
  steps: number
  failAt: number
}

export function faultyFs(failAt = Infinity): FaultyFs {
  const faulty: FaultyFs = {
    ...nodeFs,
    steps: 0,
    failAt,
    async rename(from, to) {
      if (++faulty.steps >= faulty.failAt) throw new Error(`injected crash before renaming ${from} to ${to}`)
      await nodeFs.rename(from, to)
    },
    async unlink(path) {
      if (++faulty.steps >= faulty.failAt) throw new Error(`injected crash before unlinking ${path}`)
      await nodeFs.unlink(path)
    },
  }
  return faulty
}

/** The files of a log directory, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort()
}
