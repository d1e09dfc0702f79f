import {readFile, rename, unlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Compression, writeCrc} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch} from '../../../src/protocol/records.js'
import {ATTR_DELETE_HORIZON, type CompactionPolicy} from '../../../src/storage/cleaner.js'
import {LogManager, type TopicCleanupConfig} from '../../../src/storage/log-manager.js'
import {PartitionLog} from '../../../src/storage/log.js'
import type {StorageFs} from '../../../src/storage/fs.js'
import {type ReadRecord, faultyFs, keyedBatch, listFiles, makeTempDir, readRecords, recordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const opened: Array<{close(): Promise<void>}> = []

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((each) => each.close()))
  await temp.remove()
})

const T0 = 1_700_000_000_000
const logDir = () => join(temp.path, 't-0')
/** Cleans whenever anything is dirty; tombstones live 1 s after their first cleaning. */
const EAGER: CompactionPolicy = {
  deleteRetentionMs: 1000,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
  minCleanableDirtyRatio: 0,
}

type Row = [key: string | null, value: string | null]

/**
 * A log whose segments hold exactly the given batches: the clock jumps past segment.ms between
 * two groups, so the first append of each group rolls. The last group is the active segment,
 * which compaction never touches.
 */
async function buildLog(segments: Buffer[][], options: {fs?: StorageFs; dir?: string; clock?: {now: number}} = {}): Promise<PartitionLog> {
  const clock = options.clock ?? {now: T0}
  const log = await PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: options.dir ?? logDir(),
    config: {segmentMs: 1000, indexIntervalBytes: 64},
    logger: recordingLogger(),
    fs: options.fs,
    now: () => clock.now,
  })
  opened.push(log)
  await appendSegments(log, segments, clock)
  return log
}

/** Appends each group of batches as a segment of its own (the clock passes segment.ms between groups). */
async function appendSegments(log: PartitionLog, segments: Buffer[][], clock: {now: number}): Promise<void> {
  for (const batches of segments) {
    for (const batch of batches) await log.append(batch, {durable: false})
    clock.now += 2000
  }
}

const rows = (...records: Row[]) => keyedBatch(records)
/** A last, active segment that keeps the segments before it cleanable. */
const TAIL = () => [rows(['tail', 't'])]
const record = (offset: number, key: string | null, value: string | null): ReadRecord => ({offset, key, value})

async function reopen(log: PartitionLog, options: {hadCleanShutdown?: boolean} = {}): Promise<PartitionLog> {
  await log.close()
  opened.splice(opened.indexOf(log), 1)
  const again = await PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: log.dir,
    logger: recordingLogger(),
    hadCleanShutdown: options.hadCleanShutdown,
  })
  opened.push(again)
  return again
}

describe('compaction', () => {
  it('keeps the newest record of each key at its original offset and leaves the active segment alone', async () => {
    const log = await buildLog([
      [rows(['k1', 'a1']), rows(['k2', 'b1']), rows(['k1', 'a2'])],
      [rows(['k3', 'c1']), rows(['k2', 'b2'])],
      [rows(['k1', 'a3'])],
    ])
    const result = await log.compact(EAGER, T0)
    expect(result).toMatchObject({segmentsCleaned: 1, recordsRemoved: 2, cleanedUpTo: 5})
    const expected = [record(2, 'k1', 'a2'), record(3, 'k3', 'c1'), record(4, 'k2', 'b2'), record(5, 'k1', 'a3')]
    expect(await readRecords(log)).toEqual(expected)
    expect(log.segmentBaseOffsets).toEqual([0, 3, 5])
    expect(log.logStartOffset).toBe(0)
    expect(log.logEndOffset).toBe(6)
    // Fetching from any offset in a gap gets the next record there is.
    expect((await log.read(1, 1 << 20)).batches.map((batch) => decodeRecordBatch(batch).records[0].offset)).toEqual([2, 3, 4, 5])
    const files = await listFiles(logDir())
    expect(files.filter((name) => /\.(cleaned|swap|deleted)$/.test(name))).toEqual([])
    // The cleaned segment's indexes were written and synced: a clean restart trusts them.
    const logger = recordingLogger()
    await log.close()
    opened.splice(0)
    const again = await PartitionLog.open({topic: 't', partition: 0, dir: logDir(), logger, hadCleanShutdown: true, recoveryPoint: 6})
    opened.push(again)
    expect(logger.warnings).toEqual([])
    expect(await readRecords(again)).toEqual(expected)
    expect((await again.append(rows(['k9', 'z']), {durable: false})).baseOffset).toBe(6)
  })

  it('rewrites a batch without its superseded records, keeping its base offset and the others at their offsets', async () => {
    const log = await buildLog([[rows(['k1', 'x'], ['k2', 'y'], ['k1', 'z'], ['k3', 'w'])], [rows(['k2', 'q'])], TAIL()])
    await log.compact(EAGER, T0)
    const [first] = (await log.read(0, 1 << 20)).batches
    const decoded = decodeRecordBatch(first)
    expect(decoded.header.baseOffset).toBe(0)
    expect(decoded.records.map((each) => [each.offset, each.key?.toString(), each.value?.toString()])).toEqual([
      [2, 'k1', 'z'],
      [3, 'k3', 'w'],
    ])
    expect(decoded.records.every((each) => each.timestamp === T0)).toBe(true)
    expect(await readRecords(log)).toEqual([record(2, 'k1', 'z'), record(3, 'k3', 'w'), record(4, 'k2', 'q'), record(5, 'tail', 't')])
  })

  it('keeps the offset range of a batch it rebuilds, so a consumer at its last offset moves past it', async () => {
    const log = await buildLog([[rows(['k1', 'x'], ['k2', 'y'])], [rows(['k2', 'q'])], TAIL()])
    await log.compact(EAGER, T0)
    const [first, second] = (await log.read(1, 1 << 20)).batches
    const decoded = decodeRecordBatch(first)
    expect(decoded.header).toMatchObject({baseOffset: 0, lastOffsetDelta: 1})
    expect(decoded.records.map((each) => each.offset)).toEqual([0])
    expect(decodeRecordBatch(second).header.baseOffset).toBe(2)
    expect(await readRecords(log)).toEqual([record(0, 'k1', 'x'), record(2, 'k2', 'q'), record(3, 'tail', 't')])
  })

  it('keeps an idempotent producer\'s last batch as a bare header when all its records go, so its sequence survives a restart without a snapshot', async () => {
    const fromProducer7 = (baseSequence: number, ...records: Row[]) => keyedBatch(records, {producer: {id: 7, baseSequence}})
    const clock = {now: T0}
    const log = await buildLog([[fromProducer7(0, ['k1', 'a'], ['k2', 'b'])], [rows(['k1', 'c'], ['k2', 'd'])], TAIL()], {clock})
    await log.compact(EAGER, clock.now)

    const [kept] = (await log.read(0, 1 << 20)).batches
    const bare = decodeRecordBatch(kept)
    expect(bare.records).toEqual([])
    expect(bare.header).toMatchObject({baseOffset: 0, lastOffsetDelta: 1, producerId: 7, producerEpoch: 0, baseSequence: 0})
    expect(await readRecords(log)).toEqual([record(2, 'k1', 'c'), record(3, 'k2', 'd'), record(4, 'tail', 't')])

    await log.close()
    opened.splice(opened.indexOf(log), 1)
    for (const name of await listFiles(logDir())) if (name.endsWith('.snapshot')) await unlink(join(logDir(), name))
    const again = await buildLog([], {clock})
    expect((await again.producerState()).get(7)?.batches.at(-1)).toEqual({firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1})

    // Once the producer has written a later batch, the bare header has nothing left to keep.
    await appendSegments(again, [[fromProducer7(2, ['k3', 'e'])], TAIL()], clock)
    await again.compact(EAGER, clock.now)
    expect(decodeRecordBatch((await again.read(0, 1 << 20)).batches[0]).header.baseOffset).toBe(2)
    expect(await readRecords(again)).toEqual([record(2, 'k1', 'c'), record(3, 'k2', 'd'), record(4, 'tail', 't'), record(5, 'k3', 'e'), record(6, 'tail', 't')])
  })

  it('re-encodes a compressed batch with its own codec', async () => {
    const gzip = (...records: Row[]) => keyedBatch(records, {compression: Compression.Gzip})
    const log = await buildLog([[gzip(['k1', 'old'], ['k2', 'kept'], ['k1', 'new'])], TAIL()])
    await log.compact(EAGER, T0)
    const [batch] = (await log.read(0, 1 << 20)).batches
    expect(decodeRecordBatch(batch).compression).toBe(Compression.Gzip)
    expect(await readRecords(log)).toEqual([record(1, 'k2', 'kept'), record(2, 'k1', 'new'), record(3, 'tail', 't')])
  })

  it('keeps whole a batch it cannot decode, and records without a key', async () => {
    const unknownCodec = rows(['k1', 'mystery'])
    unknownCodec.writeInt16BE(7, 21)
    writeCrc(unknownCodec)
    const log = await buildLog([[unknownCodec, rows([null, 'no key']), rows(['k1', 'latest'])], TAIL()])
    const result = await log.compact(EAGER, T0)
    expect(result).toMatchObject({segmentsCleaned: 0, recordsRemoved: 0})
    const {batches} = await log.read(0, 1 << 20)
    expect(batches[0]).toEqual(unknownCodec)
    expect(batches).toHaveLength(4)
  })

  it('stamps a kept tombstone with a delete horizon, then drops it once delete.retention.ms has passed', async () => {
    const log = await buildLog([[rows(['k1', 'v'], ['k2', 'v'])], [rows(['k1', null])], [rows(['k3', 'v'])]])
    await log.compact(EAGER, T0)
    expect(await readRecords(log)).toEqual([record(1, 'k2', 'v'), record(2, 'k1', null), record(3, 'k3', 'v')])
    const tombstoneBatch = decodeRecordBatch((await log.read(2, 1 << 20)).batches[0])
    expect(tombstoneBatch.header.attributes & ATTR_DELETE_HORIZON).toBe(ATTR_DELETE_HORIZON)
    expect(tombstoneBatch.header.baseTimestamp).toBe(T0 + 1000)
    expect(tombstoneBatch.records[0].timestamp).toBe(T0)

    // Nothing new is dirty and the horizon is ahead: no pass.
    expect(await log.compact(EAGER, T0 + 999)).toBeNull()
    expect(await readRecords(log)).toContainEqual(record(2, 'k1', null))

    expect(await log.compact(EAGER, T0 + 1000)).toMatchObject({recordsRemoved: 1})
    expect(await readRecords(log)).toEqual([record(1, 'k2', 'v'), record(3, 'k3', 'v')])
    // The emptied segment left the log; the first segment stays, so the log start does not move.
    expect(log.segmentBaseOffsets).toEqual([0, 3])
    expect(log.logStartOffset).toBe(0)
  })

  it('drops the older values of a deleted key in the same pass that keeps the tombstone', async () => {
    const log = await buildLog([[rows(['gone', '1'])], [rows(['gone', '2'])], [rows(['gone', null])], TAIL()])
    await log.compact({...EAGER, deleteRetentionMs: 60_000}, T0)
    expect(await readRecords(log)).toEqual([record(2, 'gone', null), record(3, 'tail', 't')])
  })

  it('leaves records younger than min.compaction.lag.ms, and what follows them, for a later pass', async () => {
    const log = await buildLog([
      [keyedBatch([['k1', 'old']], {timestamp: T0 - 10 * 3_600_000})],
      [keyedBatch([['k1', 'young']], {timestamp: T0})],
      TAIL(),
    ])
    const lagged = {...EAGER, minCompactionLagMs: 3_600_000}
    expect(await log.compact(lagged, T0)).toMatchObject({segmentsCleaned: 0, cleanedUpTo: 1})
    expect(await readRecords(log)).toEqual([record(0, 'k1', 'old'), record(1, 'k1', 'young'), record(2, 'tail', 't')])
    expect(await log.compact(lagged, T0 + 2 * 3_600_000)).toMatchObject({segmentsCleaned: 1, cleanedUpTo: 2})
    expect(await readRecords(log)).toEqual([record(1, 'k1', 'young'), record(2, 'tail', 't')])
  })

  it('waits until the dirty share reaches min.cleanable.dirty.ratio', async () => {
    const log = await buildLog([[rows(['a', '1'], ['b', '1'], ['c', '1'], ['d', '1'])], [rows(['a', '2'])], TAIL()])
    const picky = {...EAGER, minCleanableDirtyRatio: 0.5}
    expect(await log.compact(picky, T0)).not.toBeNull()
    expect(await log.compact(picky, T0)).toBeNull()
    // This append rolls, so the tail segment turns dirty: one small segment against two clean ones.
    await log.append(rows(['b', '2']), {durable: false})
    expect(await log.compact(picky, T0)).toBeNull()
    expect(await log.compact(EAGER, T0)).not.toBeNull()
  })

  it('leaves segments that are not yet known to be on disk', async () => {
    const log = await buildLog([[rows(['k', '1']), rows(['k', '2'])], TAIL()])
    const again = await reopen(log, {hadCleanShutdown: false})
    expect(again.recoveryPoint).toBe(0)
    expect(await again.compact(EAGER, T0)).toBeNull()
    await again.flush()
    expect(await again.compact(EAGER, T0)).toMatchObject({recordsRemoved: 1})
  })

  it('cleans a log whose oldest dirty record has waited max.compaction.lag.ms, whatever the ratio', async () => {
    const log = await buildLog([[rows(['a', '1'], ['b', '1'], ['c', '1'], ['a', '2'])], [rows(['x', '1'])], TAIL()])
    const strict = {...EAGER, minCleanableDirtyRatio: 0.99}
    await log.compact(EAGER, T0)
    // This append rolls: the tail segment, written at T0, is now dirty.
    await log.append(rows(['y', '1']), {durable: false})
    expect(await log.compact(strict, T0 + 10_000)).toBeNull()
    expect(await log.compact({...strict, maxCompactionLagMs: 5_000}, T0 + 10_000)).not.toBeNull()
  })
})

describe('compaction through the log manager', () => {
  it('compacts topics with cleanup.policy=compact only, and keeps the cleaner checkpoint across a restart', async () => {
    const config = (cleanupPolicy: string[]): TopicCleanupConfig => ({...EAGER, cleanupPolicy, retentionMs: -1, retentionBytes: -1})
    const open = async () => {
      const manager = await LogManager.open(temp.path, {logger: recordingLogger(), defaults: {segmentBytes: 120}, checkpointIntervalMs: 0})
      opened.push(manager)
      return manager
    }
    const manager = await open()
    for (const topic of ['compacted', 'plain']) {
      const log = await manager.createLog(topic, 0)
      for (const value of ['1', '2', '3', '4']) await log.append(rows(['key', value]), {durable: false})
    }
    const configs: Record<string, TopicCleanupConfig> = {compacted: config(['compact', 'delete']), plain: config(['delete'])}
    const report = await manager.runMaintenance({now: T0, cleanupConfigOf: (topic) => configs[topic]})
    expect(report.logsCompacted).toBe(1)
    // One batch per segment: the last value sits in the active segment, so the one before it stays too.
    expect((await readRecords(manager.getLog('compacted', 0)!)).map((each) => each.value)).toEqual(['3', '4'])
    expect(await readRecords(manager.getLog('plain', 0)!)).toHaveLength(4)
    const cleanedUpTo = manager.getLog('compacted', 0)!.cleanerCheckpoint
    expect(await readFile(join(temp.path, 'cleaner-offset-checkpoint'), 'utf8')).toBe(`0\n1\ncompacted 0 ${cleanedUpTo}\n`)
    opened.splice(0)
    await manager.close()
    const again = await open()
    expect(again.getLog('compacted', 0)!.cleanerCheckpoint).toBe(cleanedUpTo)
    expect(await again.runMaintenance({now: T0, cleanupConfigOf: (topic) => configs[topic]})).toEqual({segmentsDeleted: 0, logsCompacted: 0})
  })
})

describe('a crash during compaction', () => {
  it('discards a .cleaned copy that was never committed', async () => {
    const log = await buildLog([[rows(['k', '1']), rows(['k', '2'])], []])
    const before = await readRecords(log)
    await writeFile(join(logDir(), '00000000000000000000.log.cleaned'), 'half a copy')
    await writeFile(join(logDir(), '00000000000000000000.index.cleaned'), '')
    const again = await reopen(log)
    expect(await readRecords(again)).toEqual(before)
    expect((await listFiles(logDir())).filter((name) => name.endsWith('.cleaned'))).toEqual([])
  })

  /** Old and new states of one pass: `after` is what a complete pass leaves. */
  const tombstoneScenario: Buffer[][] = [
    [rows(['k1', 'a1'], ['k2', 'b1'])],
    [rows(['k1', 'a2']), rows(['k3', 'c1'])],
    [rows(['k2', null]), rows(['k3', 'c2'])],
    [rows(['k4', 'd'])],
  ]
  const before = [
    record(0, 'k1', 'a1'),
    record(1, 'k2', 'b1'),
    record(2, 'k1', 'a2'),
    record(3, 'k3', 'c1'),
    record(4, 'k2', null),
    record(5, 'k3', 'c2'),
    record(6, 'k4', 'd'),
  ]
  const afterFirstPass = [record(2, 'k1', 'a2'), record(4, 'k2', null), record(5, 'k3', 'c2'), record(6, 'k4', 'd')]
  const afterSecondPass = [record(2, 'k1', 'a2'), record(5, 'k3', 'c2'), record(6, 'k4', 'd')]

  /** Each key's latest value as a consumer replaying the log ends up with (a tombstone: none). */
  const latestValues = (records: ReadRecord[]) => {
    const latest = new Map<string | null, string | null>()
    for (const each of records) latest.set(each.key, each.value)
    return [...latest].filter(([, value]) => value !== null).sort()
  }

  /** Runs `pass` on a fresh log, crashing at step 1, 2, … until a run completes; checks each restart. */
  async function crashAtEveryStep(
    prepare: (log: PartitionLog) => Promise<void>,
    pass: (log: PartitionLog) => Promise<unknown>,
    check: (recovered: ReadRecord[]) => void,
  ): Promise<number> {
    for (let step = 1; ; step++) {
      const fs = faultyFs()
      const log = await buildLog(tombstoneScenario, {fs})
      await prepare(log)
      fs.steps = 0
      fs.failAt = step
      const crashed = await pass(log).then(
        () => false,
        () => true,
      )
      const again = await reopen(log, {hadCleanShutdown: false})
      const recovered = await readRecords(again)
      check(recovered)
      expect((await listFiles(logDir())).filter((name) => /\.(cleaned|swap|deleted)$/.test(name))).toEqual([])
      // Whatever the crash left, later passes get to the same end (once the log is known to be on disk).
      await again.flush()
      await again.compact(EAGER, T0 + 1000)
      await again.compact(EAGER, T0 + 2000)
      expect(await readRecords(again)).toEqual(afterSecondPass)
      await again.close()
      opened.splice(0)
      await temp.remove()
      if (!crashed) return step
    }
  }

  it('never loses a key\'s latest value or brings back an older one, at any step of a pass', async () => {
    const steps = await crashAtEveryStep(
      async () => {},
      (log) => log.compact(EAGER, T0),
      (recovered) => {
        // Segments swap one at a time: each is old or new, so the log lies between the two states.
        for (const each of afterFirstPass) expect(recovered).toContainEqual(each)
        for (const each of recovered) expect(before).toContainEqual(each)
        expect(latestValues(recovered)).toEqual(latestValues(before))
      },
    )
    expect(steps).toBeGreaterThan(10)
  })

  it('leaves the old or the new segment when the crash hits the pass that drops a tombstone', async () => {
    await crashAtEveryStep(
      (log) => log.compact(EAGER, T0).then(() => {}),
      (log) => log.compact(EAGER, T0 + 1000),
      (recovered) => expect([afterFirstPass, afterSecondPass]).toContainEqual(recovered),
    )
  })

  it('completes a committed swap at start, whichever of its other steps the crash had reached', async () => {
    const scenario = () => [[rows(['k', '1']), rows(['k', '2'])], TAIL()]
    const reference = await buildLog(scenario(), {dir: join(temp.path, 'reference')})
    await reference.compact(EAGER, T0)
    await reference.close()
    const base = '00000000000000000000'
    const variants = [
      {swapped: ['.log', '.index', '.timeindex'], oldLogDeleted: false},
      {swapped: ['.log'], oldLogDeleted: false},
      {swapped: ['.log', '.timeindex'], oldLogDeleted: true},
    ]
    for (const [i, variant] of variants.entries()) {
      const dir = join(temp.path, `variant-${i}`)
      const log = await buildLog(scenario(), {dir})
      await log.close()
      for (const suffix of variant.swapped)
        await writeFile(join(dir, `${base}${suffix}.swap`), await readFile(join(reference.dir, `${base}${suffix}`)))
      if (variant.oldLogDeleted) await rename(join(dir, `${base}.log`), join(dir, `${base}.log.deleted`))
      const again = await PartitionLog.open({topic: 't', partition: 0, dir, logger: recordingLogger()})
      opened.push(again)
      expect(await readRecords(again)).toEqual([record(1, 'k', '2'), record(2, 'tail', 't')])
      expect((await listFiles(dir)).filter((name) => /\.(swap|deleted)$/.test(name))).toEqual([])
    }
  })
})
