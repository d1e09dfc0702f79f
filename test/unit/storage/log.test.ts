import {readdir} from 'node:fs/promises'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readBaseOffset, readLastOffsetDelta} from '../../../src/protocol/record-batch.js'
import {OffsetOutOfRangeError} from '../../../src/storage/errors.js'
import {filePoolOf} from '../../../src/storage/file-pool.js'
import {type LogConfig, PartitionLog} from '../../../src/storage/log.js'
import {ZeroFillBudget} from '../../../src/storage/zero-fill.js'
import {countingFs, makeBatch, makeTempDir, recordingLogger, waitFor} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const open: PartitionLog[] = []

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(open.splice(0).map((log) => log.close()))
  await temp.remove()
})

/** These tests count writes and fsyncs: zero-filling ahead (zero-fill.test.ts) stays off. */
async function openLog(config: Partial<LogConfig> = {}, extra: Partial<Parameters<typeof PartitionLog.open>[0]> = {}) {
  const log = await PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: `${temp.path}/t-0`,
    config,
    logger: recordingLogger(),
    zeroFillBudget: new ZeroFillBudget(0),
    ...extra,
  })
  open.push(log)
  return log
}

const lastOffsetOf = (batch: Buffer) => readBaseOffset(batch) + readLastOffsetDelta(batch)

describe('append and read', () => {
  it('assigns offsets in call order, synchronously, and reads the batches back byte for byte', async () => {
    const log = await openLog()
    const batches = [makeBatch({records: 3, fill: 1}), makeBatch({records: 1, fill: 2}), makeBatch({records: 5, fill: 3})]
    const appends = batches.map((batch) => log.append(batch, {durable: false}))
    expect(log.logEndOffset).toBe(9)
    expect(await Promise.all(appends)).toEqual([
      {baseOffset: 0, lastOffset: 2},
      {baseOffset: 3, lastOffset: 3},
      {baseOffset: 4, lastOffset: 8},
    ])
    const read = await log.read(0, 1 << 20)
    expect(read.batches).toEqual(batches)
    expect(read.batches.map((batch) => readBaseOffset(batch))).toEqual([0, 3, 4])
    expect(read.bytes).toBe(batches.reduce((sum, batch) => sum + batch.length, 0))
  })

  it('rolls by segment.bytes and reads across segments, naming files by base offset', async () => {
    const log = await openLog({segmentBytes: 1000, indexIntervalBytes: 150})
    const batches = Array.from({length: 40}, (_, i) => makeBatch({records: 2, payloadBytes: 100, fill: i}))
    for (const batch of batches) await log.append(batch, {durable: false})
    expect(log.logEndOffset).toBe(80)
    const bases = log.segmentBaseOffsets
    expect(bases.length).toBeGreaterThan(4)
    const files = (await readdir(`${temp.path}/t-0`)).sort()
    for (const base of bases) {
      const name = String(base).padStart(20, '0')
      expect(files).toEqual(expect.arrayContaining([`${name}.log`, `${name}.index`, `${name}.timeindex`]))
    }
    expect(log.sizeInBytes()).toBe(batches.reduce((sum, batch) => sum + batch.length, 0))
    const all = await log.read(0, 1 << 20)
    expect(all.batches).toEqual(batches)
    // Every segment stays within segment.bytes.
    expect(Math.max(...(await segmentSizes(`${temp.path}/t-0`)))).toBeLessThanOrEqual(1000)
  })

  it('finds the batch holding any offset: first, middle of a batch, segment edges, last', async () => {
    const log = await openLog({segmentBytes: 2000, indexIntervalBytes: 100})
    for (let i = 0; i < 60; i++) await log.append(makeBatch({records: 5, payloadBytes: 30 + (i % 7) * 10, fill: i}), {durable: false})
    for (const offset of [0, 1, 4, 5, 137, 150, 151, 222, 298, 299]) {
      const read = await log.read(offset, 1)
      expect(read.batches).toHaveLength(1)
      const [first] = read.batches
      expect(readBaseOffset(first)).toBeLessThanOrEqual(offset)
      expect(lastOffsetOf(first)).toBeGreaterThanOrEqual(offset)
      expect(readBaseOffset(first) % 5).toBe(0)
    }
    for (const base of log.segmentBaseOffsets) {
      const [first] = (await log.read(base, 1)).batches
      expect(readBaseOffset(first)).toBe(base)
    }
  })

  it('returns one whole batch even when larger than maxBytes, then stops before exceeding maxBytes', async () => {
    const log = await openLog()
    const big = makeBatch({payloadBytes: 5000})
    const small = Array.from({length: 5}, (_, i) => makeBatch({payloadBytes: 39, fill: i})) // 100 bytes each
    await log.append(big, {durable: false})
    for (const batch of small) await log.append(batch, {durable: false})
    expect((await log.read(0, 10)).batches).toEqual([big])
    expect((await log.read(1, 250)).batches).toEqual(small.slice(0, 2))
    expect((await log.read(1, 300)).batches).toEqual(small.slice(0, 3))
    expect((await log.read(3, 1 << 20, 5)).batches).toEqual(small.slice(2, 4))
  })

  it('lets reads run alongside appends and only ever returns whole, written batches in offset order', async () => {
    const log = await openLog({segmentBytes: 3000, indexIntervalBytes: 200})
    const appends: Promise<unknown>[] = []
    let readsDone = 0
    const reader = (async () => {
      while (readsDone < 200) {
        const end = log.logEndOffset
        if (end > 0) {
          const offset = Math.floor(Math.random() * end)
          const {batches} = await log.read(offset, 700)
          let expected = batches.length > 0 ? readBaseOffset(batches[0]) : 0
          if (batches.length > 0) expect(expected).toBeLessThanOrEqual(offset)
          for (const batch of batches) {
            expect(readBaseOffset(batch)).toBe(expected)
            expect(batch.length).toBe(61 + 20 + (expected % 50))
            expected = lastOffsetOf(batch) + 1
          }
        }
        readsDone++
        await new Promise((resolve) => setImmediate(resolve))
      }
    })()
    for (let i = 0; i < 400; i++) {
      appends.push(log.append(makeBatch({payloadBytes: 20 + (i % 50)}), {durable: i % 3 === 0}))
      if (i % 10 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all([reader, ...appends])
    expect((await log.read(0, 1 << 20)).batches).toHaveLength(400)
  })

  it('reads nothing at the log end and refuses offsets outside the log', async () => {
    const log = await openLog()
    await log.append(makeBatch({records: 2}), {durable: false})
    expect(await log.read(2, 1000)).toEqual({batches: [], bytes: 0})
    await expect(log.read(3, 1000)).rejects.toBeInstanceOf(OffsetOutOfRangeError)
    await expect(log.read(-1, 1000)).rejects.toMatchObject({code: 1})
  })

  it('rolls by segment.ms, measured from the first batch appended to the segment', async () => {
    let now = 1_000_000
    const log = await openLog({segmentMs: 1000}, {now: () => now})
    await log.append(makeBatch(), {durable: false})
    now += 600
    await log.append(makeBatch(), {durable: false})
    expect(log.segmentBaseOffsets).toEqual([0])
    now += 600
    await log.append(makeBatch(), {durable: false})
    expect(log.segmentBaseOffsets).toEqual([0, 2])
    now += 999
    await log.append(makeBatch(), {durable: false})
    expect(log.segmentBaseOffsets).toEqual([0, 2])
    expect((await log.read(0, 1 << 20)).batches.map((batch) => readBaseOffset(batch))).toEqual([0, 1, 2, 3])
  })

  it('rolls when the offset index is full (segment.index.bytes)', async () => {
    const log = await openLog({indexIntervalBytes: 0, segmentIndexBytes: 8 * 4})
    for (let i = 0; i < 20; i++) await log.append(makeBatch(), {durable: false})
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(2)
    expect((await log.read(0, 1 << 20)).batches).toHaveLength(20)
  })

  it('takes new settings through updateConfig', async () => {
    const log = await openLog()
    for (let i = 0; i < 3; i++) await log.append(makeBatch({payloadBytes: 200}), {durable: false})
    log.updateConfig({segmentBytes: 500})
    for (let i = 0; i < 3; i++) await log.append(makeBatch({payloadBytes: 200}), {durable: false})
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(1)
  })
})

describe('timestamps', () => {
  async function logWithTimestamps(maxTimestamps: number[]) {
    const log = await openLog({segmentBytes: 400, indexIntervalBytes: 50})
    for (const [i, maxTimestamp] of maxTimestamps.entries())
      await log.append(makeBatch({records: 2, baseTimestamp: maxTimestamp - 5, maxTimestamp, fill: i}), {durable: false})
    return log
  }

  it('finds the first batch whose maxTimestamp reaches the target, with its bytes', async () => {
    const stamps = [100, 200, 300, 250, 400, 500, 450, 600, 700, 800, 900, 1000]
    const log = await logWithTimestamps(stamps)
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(2)
    for (const target of [0, 100, 101, 260, 300, 420, 450, 501, 999, 1000]) {
      const expected = stamps.findIndex((stamp) => stamp >= target)
      const found = await log.offsetForTimestamp(target)
      expect(found, `target ${target}`).not.toBeNull()
      expect(found!.offset).toBe(expected * 2)
      expect(found!.timestamp).toBe(stamps[expected])
      expect(readBaseOffset(found!.batch)).toBe(expected * 2)
    }
    expect(await log.offsetForTimestamp(1001)).toBeNull()
  })

  it('reports the largest timestamp and the earliest batch carrying it', async () => {
    const log = await logWithTimestamps([100, 900, 300, 900, 200])
    expect(await log.maxTimestampEntry()).toEqual({offset: 3, timestamp: 900})
  })

  it('has no answers for an empty log', async () => {
    const log = await openLog()
    expect(await log.maxTimestampEntry()).toBeNull()
    expect(await log.offsetForTimestamp(0)).toBeNull()
  })
})

describe('durability', () => {
  it('shares fsyncs between concurrent durable appends (group commit)', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    const before = fs.datasyncs
    const appends = Array.from({length: 100}, () => log.append(makeBatch(), {durable: true}))
    expect((await Promise.all(appends)).map((appended) => appended.baseOffset)).toEqual(Array.from({length: 100}, (_, i) => i))
    expect(fs.datasyncs - before).toBeGreaterThan(0)
    expect(fs.datasyncs - before).toBeLessThanOrEqual(2)
  })

  it('queues durable appends behind a running fsync and covers them with the next one', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    let release!: () => void
    fs.holdSyncs = new Promise((resolve) => (release = resolve))
    const settled: number[] = []
    const first = log.append(makeBatch(), {durable: true}).then((appended) => settled.push(appended.baseOffset))
    await waitFor(() => fs.datasyncs === 1, 'the first fsync to start')
    const later = Array.from({length: 20}, () =>
      log.append(makeBatch(), {durable: true}).then((appended) => settled.push(appended.baseOffset)),
    )
    // An acks=1 append resolves once written, while the fsync is still held.
    expect((await log.append(makeBatch(), {durable: false})).baseOffset).toBe(21)
    expect(settled).toEqual([])
    fs.holdSyncs = null
    release()
    await Promise.all([first, ...later])
    expect(settled.sort((a, b) => a - b)).toEqual(Array.from({length: 21}, (_, i) => i))
    expect(fs.datasyncs).toBe(2)
  })

  it('writes durable appends through O_DSYNC once the segment is synced, with no fdatasync, and keeps them', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    // A new log's first durable append also makes its directory durable: write, then fdatasync.
    await log.append(makeBatch({fill: 0}), {durable: true})
    expect([fs.datasyncs, fs.writesThrough]).toEqual([1, 0])
    for (let i = 1; i <= 10; i++) await log.append(makeBatch({fill: i}), {durable: true})
    expect([fs.datasyncs, fs.writesThrough]).toEqual([1, 10])
    await log.close()
    const reopened = await openLog({}, {fs, hadCleanShutdown: true})
    const {batches} = await reopened.read(0, 1 << 20)
    expect(batches.map((batch) => batch[batch.length - 1])).toEqual(Array.from({length: 11}, (_, i) => i))
  })

  it('covers a durable append with an fdatasync while acks=1 bytes before it are not yet synced', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    await log.append(makeBatch(), {durable: true})
    await log.append(makeBatch(), {durable: false})
    await log.append(makeBatch(), {durable: true})
    expect([fs.datasyncs, fs.writesThrough]).toEqual([2, 0])
    await log.append(makeBatch(), {durable: true})
    expect([fs.datasyncs, fs.writesThrough]).toEqual([2, 1])
  })

  it('writes a large durable group, then fdatasyncs it, so the next group is written while that sync runs', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    await log.append(makeBatch(), {durable: true})
    await log.append(makeBatch({payloadBytes: 300 * 1024}), {durable: true})
    expect([fs.datasyncs, fs.writesThrough]).toEqual([2, 0])
  })

  it('counts the write-through descriptor with the pooled files, and closes it with the log', async () => {
    const fs = countingFs()
    const pool = filePoolOf(fs)
    const log = await openLog({}, {fs})
    await log.append(makeBatch(), {durable: true})
    const pooled = pool.openCount
    await log.append(makeBatch(), {durable: true})
    expect(pool.openCount).toBe(pooled + 1)
    await log.close()
    expect(pool.openCount).toBe(0)
  })

  it('answers a durable append written through O_DSYNC only once that write returns', async () => {
    const fs = countingFs()
    const log = await openLog({}, {fs})
    await log.append(makeBatch(), {durable: true})
    let release!: () => void
    fs.holdSyncs = new Promise((resolve) => (release = resolve))
    let answered = false
    const durable = log.append(makeBatch(), {durable: true}).then(() => (answered = true))
    await waitFor(() => fs.writesThrough === 1, 'the write through O_DSYNC to start')
    await new Promise((resolve) => setImmediate(resolve))
    expect(answered).toBe(false)
    fs.holdSyncs = null
    release()
    await durable
    expect(answered).toBe(true)
  })

  it('fails the log after a failed fsync and refuses further appends with KAFKA_STORAGE_ERROR', async () => {
    const fs = countingFs()
    const logger = recordingLogger()
    const log = await openLog({}, {fs, logger})
    fs.holdSyncs = Promise.reject(new Error('EIO: i/o error'))
    fs.holdSyncs.catch(() => {})
    await expect(log.append(makeBatch(), {durable: true})).rejects.toMatchObject({code: 56})
    fs.holdSyncs = null
    await expect(log.append(makeBatch(), {durable: false})).rejects.toMatchObject({code: 56})
    expect(logger.errors.join('\n')).toContain('EIO')
  })

  it('flush makes the recovery point reach the log end', async () => {
    const log = await openLog()
    await log.append(makeBatch({records: 4}), {durable: false})
    expect(log.recoveryPoint).toBe(0)
    await log.flush()
    expect(log.recoveryPoint).toBe(4)
  })
})

async function segmentSizes(dir: string): Promise<number[]> {
  const {stat} = await import('node:fs/promises')
  const names = (await readdir(dir)).filter((name) => name.endsWith('.log'))
  return Promise.all(names.map(async (name) => (await stat(`${dir}/${name}`)).size))
}
