import {cp, readdir, stat} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type StorageFile, type StorageFs, nodeFs} from '../../../src/storage/fs.js'
import {PartitionLog} from '../../../src/storage/log.js'
import {ZERO_FILL_AFTER, ZERO_FILL_CHUNK, ZeroFillBudget} from '../../../src/storage/zero-fill.js'
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

async function openLog(dir: string, extra: Partial<Parameters<typeof PartitionLog.open>[0]> = {}) {
  const log = await PartitionLog.open({topic: 't', partition: 0, dir, logger: recordingLogger(), ...extra})
  open.push(log)
  return log
}

async function closeLog(log: PartitionLog) {
  open.splice(open.indexOf(log), 1)
  await log.close()
}

/** Sizes of the .log files on disk, oldest segment first. */
async function logFileSizes(dir: string): Promise<number[]> {
  const names = (await readdir(dir)).filter((name) => name.endsWith('.log')).sort()
  return Promise.all(names.map(async (name) => (await stat(join(dir, name))).size))
}

/** Polls the size of the newest .log in `dir` until `wanted` holds. */
async function activeFileSize(dir: string, wanted: (size: number) => boolean, what: string) {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const sizes = await logFileSizes(dir)
    if (wanted(sizes[sizes.length - 1])) return
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  throw new Error(`timed out waiting for the .log in ${dir} ${what}`)
}

const fileSizeAtLeast = (dir: string, bytes: number) => activeFileSize(dir, (size) => size >= bytes, `to reach ${bytes} bytes`)

const tail = (batch: Buffer) => batch[batch.length - 1]
/** A batch that brings a segment to the size where zero-filling starts. */
const bulk = (fill = 0) => makeBatch({fill, payloadBytes: ZERO_FILL_AFTER})

describe('zero-filling ahead of acks=all appends', () => {
  it('writes zeros past the data of a log taking acks=all appends, which later appends overwrite', async () => {
    const dir = join(temp.path, 't-0')
    const fs = countingFs()
    const log = await openLog(dir, {fs})
    await log.append(bulk(0), {durable: true})
    await log.append(makeBatch({fill: 1}), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    for (let i = 2; i <= 21; i++) await log.append(makeBatch({fill: i, payloadBytes: 1000}), {durable: true})
    const {batches} = await log.read(0, 1 << 30)
    expect(batches.map(tail)).toEqual(Array.from({length: 22}, (_, i) => i))
    expect(batches.reduce((bytes, batch) => bytes + batch.length, 0)).toBe(log.sizeInBytes())
    // The appends after the first went through O_DSYNC, over the zeros.
    expect(fs.writesThrough).toBe(21)
  })

  it("leaves a log's file as long as its data under acks=1, and under acks=all while it is small (Kafka's tools read live segments)", async () => {
    const acks1 = join(temp.path, 'a-0')
    const log = await openLog(acks1)
    await log.append(bulk(), {durable: false})
    for (let i = 1; i < 20; i++) await log.append(makeBatch({fill: i}), {durable: false})
    await log.flush()
    expect(await logFileSizes(acks1)).toEqual([log.sizeInBytes()])
    const small = join(temp.path, 'b-0')
    const smallLog = await openLog(small)
    for (let i = 0; i < 20; i++) await smallLog.append(makeBatch({fill: i, payloadBytes: 1000}), {durable: true})
    expect(await logFileSizes(small)).toEqual([smallLog.sizeInBytes()])
  })

  it('cuts the zeros off once no append came for a second, and fills again when appends resume', async () => {
    const dir = join(temp.path, 't-0')
    const log = await openLog(dir)
    await log.append(bulk(0), {durable: true})
    await log.append(makeBatch({fill: 1}), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    await activeFileSize(dir, (size) => size === log.sizeInBytes(), 'to lose its zeros once idle')
    await log.append(makeBatch({fill: 2}), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    expect((await log.read(0, 1 << 30)).batches.map(tail)).toEqual([0, 1, 2])
  })

  it('cuts the zeros off when the log closes, and a clean start appends where the data ends', async () => {
    const dir = join(temp.path, 't-0')
    const log = await openLog(dir)
    await log.append(bulk(0), {durable: true})
    await log.append(makeBatch({fill: 1}), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    const size = log.sizeInBytes()
    await closeLog(log)
    expect(await logFileSizes(dir)).toEqual([size])
    const reopened = await openLog(dir, {hadCleanShutdown: true})
    await reopened.append(makeBatch({fill: 2}), {durable: true})
    expect((await reopened.read(0, 1 << 30)).batches.map(tail)).toEqual([0, 1, 2])
  })

  it('cuts the zeros off a segment when it rolls, and fills no further than segment.bytes', async () => {
    const dir = join(temp.path, 't-0')
    const segmentBytes = ZERO_FILL_AFTER + 3 * 1024 * 1024
    const log = await openLog(dir, {config: {segmentBytes}})
    const batch = (fill: number) => makeBatch({fill, payloadBytes: 512 * 1024})
    for (let i = 0; i < 9; i++) await log.append(batch(i), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + 2 * 1024 * 1024)
    for (let i = 9; i < 20; i++) await log.append(batch(i), {durable: true})
    await log.flush()
    const sizes = await logFileSizes(dir)
    expect(sizes.length).toBeGreaterThan(1)
    // Every rolled segment holds whole batches and nothing after them.
    for (const size of sizes.slice(0, -1)) expect(size % batch(0).length).toBe(0)
    expect(Math.max(...sizes)).toBeLessThanOrEqual(segmentBytes)
    expect((await log.read(0, 1 << 30)).batches.map(tail)).toEqual(Array.from({length: 20}, (_, i) => i))
  })

  it('recovers from a crash that left zeros past the data: no warning, nothing lost, appends go on', async () => {
    const dir = join(temp.path, 't-0')
    const log = await openLog(dir)
    await log.append(bulk(0), {durable: true})
    for (let i = 1; i < 5; i++) await log.append(makeBatch({fill: i}), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    // What a crash leaves: the files as they are now, the log never closed.
    const crashed = join(temp.path, 'crashed-0')
    await cp(dir, crashed, {recursive: true})
    for (const hadCleanShutdown of [false, true]) {
      const copy = join(temp.path, `copy-${hadCleanShutdown}`)
      await cp(crashed, copy, {recursive: true})
      const logger = recordingLogger()
      const recovered = await openLog(copy, {logger, hadCleanShutdown})
      // With the marker but never closed, the indexes lack their final entry and are rebuilt: said, and harmless.
      expect(logger.warnings.filter((warning) => !warning.startsWith('Rebuilding the indexes'))).toEqual([])
      if (!hadCleanShutdown) expect(logger.warnings).toEqual([])
      expect(recovered.logEndOffset).toBe(5)
      expect(await logFileSizes(copy)).toEqual([recovered.sizeInBytes()])
      await recovered.append(makeBatch({fill: 5}), {durable: true})
      expect((await recovered.read(0, 1 << 30)).batches.map(tail)).toEqual([0, 1, 2, 3, 4, 5])
    }
  })

  it('never lets zeros land over data appended while they were being written', async () => {
    const dir = join(temp.path, 't-0')
    // Writes of zeros take a while to start, so appends catch up with them.
    const fs = slowZerosFs(20)
    const log = await openLog(dir, {fs})
    await log.append(bulk(0), {durable: true})
    const appends: Array<Promise<unknown>> = []
    for (let i = 1; i <= 40; i++) appends.push(log.append(makeBatch({fill: i, payloadBytes: 100 * 1024}), {durable: i % 2 === 0}))
    await Promise.all(appends)
    await closeLog(log)
    const reopened = await openLog(dir, {hadCleanShutdown: false})
    expect(reopened.logEndOffset).toBe(41)
    expect((await reopened.read(0, 1 << 30)).batches.map(tail)).toEqual(Array.from({length: 41}, (_, i) => i))
  })

  it('goes on without zeros when writing them fails (a full disk), and loses nothing', async () => {
    const dir = join(temp.path, 't-0')
    const logger = recordingLogger()
    const log = await openLog(dir, {fs: zerosFs({zeroWrite: () => Promise.reject(Object.assign(new Error('ENOSPC: no space left on device'), {code: 'ENOSPC'}))}), logger})
    await log.append(bulk(0), {durable: true})
    for (let i = 1; i <= 5; i++) await log.append(makeBatch({fill: i}), {durable: true})
    expect((await log.read(0, 1 << 30)).batches.map(tail)).toEqual([0, 1, 2, 3, 4, 5])
    expect(await logFileSizes(dir)).toEqual([log.sizeInBytes()])
    expect(logger.errors).toEqual([])
  })

  it('fails the log when the fdatasync of its zeros fails, as after any failed fsync', async () => {
    const dir = join(temp.path, 't-0')
    let zerosWritten = false
    const fs = zerosFs({
      zeroWrite: async () => {
        zerosWritten = true
      },
      datasync: () => (zerosWritten ? Promise.reject(new Error('EIO: i/o error')) : Promise.resolve()),
    })
    const logger = recordingLogger()
    const log = await openLog(dir, {fs, logger})
    await log.append(bulk(0), {durable: false})
    await log.flush()
    // Written through O_DSYNC (everything before it is synced): the only fdatasync after it is the zeros'.
    await log.append(makeBatch({fill: 1}), {durable: true})
    await waitFor(() => logger.errors.length > 0, 'the log to fail')
    expect(logger.errors.join('\n')).toContain('EIO')
    await expect(log.append(makeBatch(), {durable: false})).rejects.toMatchObject({code: 56})
  })

  it('holds no more zeros across logs than the budget allows, and gives them back on close', async () => {
    const budget = new ZeroFillBudget(ZERO_FILL_CHUNK)
    const first = await openLog(join(temp.path, 'a-0'), {zeroFillBudget: budget})
    const second = await openLog(join(temp.path, 'b-0'), {zeroFillBudget: budget})
    await first.append(bulk(), {durable: true})
    await first.append(makeBatch(), {durable: true})
    await fileSizeAtLeast(join(temp.path, 'a-0'), ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    await second.append(bulk(), {durable: true})
    await second.append(makeBatch(), {durable: true})
    await second.flush()
    expect(await logFileSizes(join(temp.path, 'b-0'))).toEqual([second.sizeInBytes()])
    expect(budget.held).toBeLessThanOrEqual(ZERO_FILL_CHUNK)
    await closeLog(first)
    await closeLog(second)
    expect(budget.held).toBe(0)
  })

  it('gives the budget back as appends use the zeros up', async () => {
    const budget = new ZeroFillBudget()
    const dir = join(temp.path, 't-0')
    const log = await openLog(dir, {zeroFillBudget: budget})
    await log.append(bulk(), {durable: true})
    await log.append(makeBatch(), {durable: true})
    await fileSizeAtLeast(dir, ZERO_FILL_AFTER + ZERO_FILL_CHUNK)
    await waitFor(() => budget.held > 0 && budget.held <= ZERO_FILL_CHUNK, 'the chunk to be held')
    const held = budget.held
    await log.append(makeBatch({payloadBytes: 4 * 1024 * 1024}), {durable: true})
    // Given back once the chunk's fdatasync is done, which may still be running when the append returns.
    await waitFor(() => budget.held < held, 'the overwritten zeros to be given back')
  })
})

/** nodeFs whose writes of zeros (only the zero-filling writes those) wait `delayMs` before they start. */
function slowZerosFs(delayMs: number): StorageFs {
  return zerosFs({zeroWrite: () => new Promise((resolve) => setTimeout(resolve, delayMs))})
}

/**
 * nodeFs where each write of zeros first runs `zeroWrite` (which may delay or fail it), and each
 * fdatasync first runs `datasync`.
 */
function zerosFs(hooks: {zeroWrite: () => Promise<void>; datasync?: () => Promise<void>}): StorageFs {
  return {
    ...nodeFs,
    async open(path, flags) {
      const file = await nodeFs.open(path, flags)
      const hooked: StorageFile = {
        read: (buffer, offset, length, position) => file.read(buffer, offset, length, position),
        write: (buffer, offset, length, position) => file.write(buffer, offset, length, position),
        writev: async (buffers, position) => {
          if (buffers.every((buffer) => buffer.length > 0 && buffer.every((byte) => byte === 0))) await hooks.zeroWrite()
          return file.writev(buffers, position)
        },
        datasync: async () => {
          await hooks.datasync?.()
          await file.datasync()
        },
        sync: () => file.sync(),
        truncate: (length) => file.truncate(length),
        stat: () => file.stat(),
        close: () => file.close(),
      }
      return hooked
    },
  }
}
