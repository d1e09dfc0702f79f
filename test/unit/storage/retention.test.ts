import {readFile, rename} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {OffsetOutOfRangeError} from '../../../src/storage/errors.js'
import {LogManager, type TopicCleanupConfig} from '../../../src/storage/log-manager.js'
import {type LogConfig, PartitionLog} from '../../../src/storage/log.js'
import {expiredSegmentCount} from '../../../src/storage/retention.js'
import {faultyFs, listFiles, makeBatch, makeTempDir, recordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const opened: Array<{close(): Promise<void>}> = []

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((each) => each.close()))
  await temp.remove()
})

const HOUR = 3_600_000
const T0 = 1_700_000_000_000
/** Each batch is 100 bytes, so a 300-byte segment holds exactly three. */
const SMALL_SEGMENTS: Partial<LogConfig> = {segmentBytes: 300, indexIntervalBytes: 100}
const logDir = () => join(temp.path, 't-0')

async function openLog(extra: Partial<Parameters<typeof PartitionLog.open>[0]> = {}) {
  const log = await PartitionLog.open({topic: 't', partition: 0, dir: logDir(), config: SMALL_SEGMENTS, logger: recordingLogger(), ...extra})
  opened.push(log)
  return log
}

/** Batch i: one record at offset i, stamped T0 + i hours. */
async function appendHourly(log: PartitionLog, count: number) {
  for (let i = 0; i < count; i++) {
    const timestamp = T0 + log.logEndOffset * HOUR
    await log.append(makeBatch({baseTimestamp: timestamp, payloadBytes: 39, fill: log.logEndOffset}), {durable: false})
  }
}

const byTime = (retentionMs: number) => ({deleteExpired: true, retentionMs, retentionBytes: -1})
const bySize = (retentionBytes: number) => ({deleteExpired: true, retentionMs: -1, retentionBytes})

async function offsetsIn(log: PartitionLog, from = log.logStartOffset): Promise<number[]> {
  const {batches} = await log.read(from, 1 << 20)
  return batches.map((batch) => Number(batch.readBigInt64BE(0)))
}

describe('retention by time', () => {
  it('deletes whole segments whose newest record is older than retention.ms, oldest first, and moves the log start', async () => {
    const log = await openLog()
    await appendHourly(log, 10)
    expect(log.segmentBaseOffsets).toEqual([0, 3, 6, 9])
    // At T0 + 10h with 5h retention, records 0..4 are expired: segment 0 (0-2) goes, segment 3 (3-5) holds 5.
    expect(await log.applyRetention(byTime(5 * HOUR), T0 + 10 * HOUR)).toBe(1)
    expect(log.segmentBaseOffsets).toEqual([3, 6, 9])
    expect(log.logStartOffset).toBe(3)
    expect(await offsetsIn(log)).toEqual([3, 4, 5, 6, 7, 8, 9])
    await expect(log.read(2, 1 << 20)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    const files = await listFiles(logDir())
    expect(files.filter((name) => name.startsWith('00000000000000000000'))).toEqual([])
    expect(files.filter((name) => name.endsWith('.deleted'))).toEqual([])
  })

  it('never deletes the active segment while it holds unexpired data', async () => {
    const log = await openLog()
    await appendHourly(log, 8)
    expect(await log.applyRetention(byTime(HOUR / 2), T0 + 7 * HOUR)).toBe(2)
    expect(log.segmentBaseOffsets).toEqual([6])
    expect(await offsetsIn(log)).toEqual([6, 7])
  })

  it('rolls an expired active segment first, so the log ends empty at its end offset and appends carry on', async () => {
    const log = await openLog()
    await appendHourly(log, 5)
    expect(await log.applyRetention(byTime(HOUR), T0 + 100 * HOUR)).toBe(2)
    expect(log.segmentBaseOffsets).toEqual([5])
    expect(log.logStartOffset).toBe(5)
    expect(log.logEndOffset).toBe(5)
    expect(await offsetsIn(log)).toEqual([])
    expect(await log.append(makeBatch(), {durable: true})).toEqual({baseOffset: 5, lastOffset: 5})
    expect(await offsetsIn(log)).toEqual([5])
  })

  it('leaves an empty log alone and keeps everything with retention.ms -1 or without the delete policy', async () => {
    const log = await openLog()
    expect(await log.applyRetention(byTime(0), T0)).toBe(0)
    await appendHourly(log, 7)
    expect(await log.applyRetention(byTime(-1), T0 + 1000 * HOUR)).toBe(0)
    expect(await log.applyRetention({deleteExpired: false, retentionMs: 0, retentionBytes: 0}, T0 + 1000 * HOUR)).toBe(0)
    expect(await offsetsIn(log)).toEqual([0, 1, 2, 3, 4, 5, 6])
  })

  it('keeps empty segments (a compacted log has them) when there is no size limit', () => {
    const segments = [
      {baseOffset: 0, size: 0, largestTimestamp: 50},
      {baseOffset: 5, size: 10, largestTimestamp: 60},
    ]
    expect(expiredSegmentCount(segments, bySize(-1), {now: 100, logStartOffset: 0})).toBe(0)
  })

  it('keeps segments holding future timestamps and everything after them', async () => {
    const segments = [
      {baseOffset: 0, size: 10, largestTimestamp: 50},
      {baseOffset: 5, size: 10, largestTimestamp: 500},
      {baseOffset: 9, size: 10, largestTimestamp: 60},
    ]
    expect(expiredSegmentCount(segments, byTime(10), {now: 100, logStartOffset: 0})).toBe(1)
  })
})

describe('retention by size', () => {
  it('deletes the oldest segments while the log stays above retention.bytes without them', async () => {
    const log = await openLog()
    await appendHourly(log, 10)
    expect(log.sizeInBytes()).toBe(1000)
    expect(await log.applyRetention(bySize(450), T0)).toBe(1)
    // Without a second segment the log would be 400 bytes: under the limit, so that one stays.
    expect(log.sizeInBytes()).toBe(700)
    expect(await log.applyRetention(bySize(400), T0)).toBe(1)
    expect(log.segmentBaseOffsets).toEqual([6, 9])
    expect(log.sizeInBytes()).toBe(400)
  })

  it('with retention.bytes 0 empties the log, active segment included', async () => {
    const log = await openLog()
    await appendHourly(log, 4)
    expect(await log.applyRetention(bySize(0), T0)).toBe(2)
    expect(log.segmentBaseOffsets).toEqual([4])
    expect(log.logStartOffset).toBe(4)
    expect(log.sizeInBytes()).toBe(0)
  })
})

describe('readers and retention', () => {
  it('a read that started before its segments were deleted still returns their batches', async () => {
    const log = await openLog()
    await appendHourly(log, 9)
    const reading = log.read(0, 1 << 20)
    const deleting = log.applyRetention(bySize(0), T0)
    expect((await reading).batches.map((batch) => Number(batch.readBigInt64BE(0)))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(await deleting).toBe(3)
  })

  it('keeps fresh appends that race with it: the active segment is judged by what it holds when retention gets to it', async () => {
    const log = await openLog()
    await appendHourly(log, 6)
    const now = T0 + 100 * HOUR
    const deleting = log.applyRetention(byTime(HOUR), now)
    const appends = [1, 2, 3].map(() => log.append(makeBatch({baseTimestamp: now, payloadBytes: 39}), {durable: true}))
    expect(await deleting).toBe(2)
    expect((await Promise.all(appends)).map((offsets) => offsets.baseOffset)).toEqual([6, 7, 8])
    expect(await offsetsIn(log)).toEqual([6, 7, 8])
  })
})

describe('DeleteRecords', () => {
  it('moves the log start offset inside a segment, deletes only the segments wholly below it, and refuses reads below it', async () => {
    const log = await openLog()
    await appendHourly(log, 10)
    expect(await log.deleteRecordsBefore(4)).toBe(4)
    expect(log.logStartOffset).toBe(4)
    expect(log.segmentBaseOffsets).toEqual([3, 6, 9])
    await expect(log.read(3, 1 << 20)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    expect(await offsetsIn(log)).toEqual([4, 5, 6, 7, 8, 9])
    expect(await log.offsetForTimestamp(T0)).toMatchObject({offset: 4})
  })

  it('never moves the start offset back, accepts the log end, and refuses offsets past it', async () => {
    const log = await openLog()
    await appendHourly(log, 5)
    await log.deleteRecordsBefore(3)
    expect(await log.deleteRecordsBefore(1)).toBe(3)
    await expect(log.deleteRecordsBefore(6)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    await expect(log.deleteRecordsBefore(-1)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    expect(await log.deleteRecordsBefore(5)).toBe(5)
    expect(await offsetsIn(log)).toEqual([])
    expect((await log.append(makeBatch(), {durable: false})).baseOffset).toBe(5)
  })
})

describe('through the log manager', () => {
  const cleanup = (overrides: Partial<TopicCleanupConfig> = {}): TopicCleanupConfig => ({
    cleanupPolicy: ['delete'],
    retentionMs: -1,
    retentionBytes: -1,
    deleteRetentionMs: 86_400_000,
    minCompactionLagMs: 0,
    maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
    minCleanableDirtyRatio: 0.5,
    ...overrides,
  })

  async function openManager() {
    const manager = await LogManager.open(temp.path, {logger: recordingLogger(), defaults: SMALL_SEGMENTS, checkpointIntervalMs: 0})
    opened.push(manager)
    return manager
  }

  const checkpointFile = () => readFile(join(temp.path, 'log-start-offset-checkpoint'), 'utf8')

  it('applies each topic its own settings, skips unknown topics, and checkpoints the new log start offsets', async () => {
    const manager = await openManager()
    for (const topic of ['timed', 'sized', 'kept', 'unknown']) await appendHourly(await manager.createLog(topic, 0), 10)
    const configs: Record<string, TopicCleanupConfig> = {
      timed: cleanup({retentionMs: HOUR + 1}),
      sized: cleanup({retentionBytes: 400}),
      kept: cleanup({cleanupPolicy: ['compact'], retentionMs: 0}),
    }
    const report = await manager.runMaintenance({now: T0 + 10 * HOUR, cleanupConfigOf: (topic) => configs[topic]})
    expect(report.segmentsDeleted).toBe(3 + 2)
    expect(manager.getLog('timed', 0)!.logStartOffset).toBe(9)
    expect(manager.getLog('sized', 0)!.logStartOffset).toBe(6)
    expect(manager.getLog('kept', 0)!.logStartOffset).toBe(0)
    expect(manager.getLog('unknown', 0)!.logStartOffset).toBe(0)
    const checkpoint = (await checkpointFile()).split('\n')
    expect(checkpoint).toEqual(expect.arrayContaining(['timed 0 9', 'sized 0 6', 'kept 0 0', 'unknown 0 0']))
  })

  it('checkpoints a DeleteRecords start offset at once, so it survives a crash and a restart', async () => {
    const manager = await openManager()
    const log = await manager.createLog('t', 0)
    await appendHourly(log, 5)
    await log.deleteRecordsBefore(4)
    expect(await checkpointFile()).toBe('0\n1\nt 0 4\n')
    // A crash: the manager never closes. A second one opens the same files without the marker.
    opened.splice(opened.indexOf(manager), 1)
    await log.close()
    const again = await openManager()
    const reopened = again.getLog('t', 0)!
    expect(reopened.logStartOffset).toBe(4)
    expect(await offsetsIn(reopened)).toEqual([4])
    await expect(reopened.read(3, 100)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
  })

  it('keeps the log start offset across a clean restart', async () => {
    const manager = await openManager()
    await appendHourly(await manager.createLog('t', 0), 10)
    await manager.runMaintenance({now: T0 + 10 * HOUR, cleanupConfigOf: () => cleanup({retentionMs: 2 * HOUR})})
    await manager.getLog('t', 0)!.deleteRecordsBefore(10)
    opened.splice(0)
    await manager.close()
    const again = await openManager()
    expect(again.getLog('t', 0)!.logStartOffset).toBe(10)
    expect(again.getLog('t', 0)!.segmentBaseOffsets).toEqual([9])
  })
})

describe('a crash during deletion', () => {
  it('finishes a deletion from the .deleted names it left', async () => {
    const log = await openLog()
    await appendHourly(log, 10)
    await log.close()
    opened.splice(0)
    // Retention had renamed segment 0's .log and was about to rename its indexes.
    await rename(join(logDir(), '00000000000000000000.log'), join(logDir(), '00000000000000000000.log.deleted'))
    const again = await openLog()
    expect(again.segmentBaseOffsets).toEqual([3, 6, 9])
    expect(again.logStartOffset).toBe(3)
    expect((await listFiles(logDir())).filter((name) => name.startsWith('00000000000000000000'))).toEqual([])
  })

  it('leaves a log that starts at a segment boundary and holds everything after it, whatever step the crash hit', async () => {
    for (let step = 1; ; step++) {
      const fs = faultyFs()
      const log = await PartitionLog.open({topic: 't', partition: 0, dir: logDir(), config: SMALL_SEGMENTS, logger: recordingLogger(), fs})
      await appendHourly(log, 10)
      fs.steps = 0
      fs.failAt = step
      const outcome = await log.applyRetention(bySize(0), T0).then(
        () => 'done',
        () => 'crashed',
      )
      await log.close()
      const again = await openLog()
      const offsets = await offsetsIn(again)
      expect([0, 3, 6, 9, 10]).toContain(again.logStartOffset)
      expect(offsets).toEqual(Array.from({length: 10 - again.logStartOffset}, (_, i) => again.logStartOffset + i))
      expect(again.logEndOffset).toBe(10)
      expect((await listFiles(logDir())).filter((name) => name.endsWith('.deleted'))).toEqual([])
      await again.close()
      opened.splice(0)
      await temp.remove()
      if (outcome === 'done') {
        expect(again.logStartOffset).toBe(10)
        break
      }
    }
  })
})
