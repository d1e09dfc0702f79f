import {appendFile, cp, readFile, readdir, rm, stat, truncate, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import fc from 'fast-check'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readBaseOffset} from '../../../src/protocol/record-batch.js'
import {StorageCorruptionError} from '../../../src/storage/errors.js'
import {CLEAN_SHUTDOWN_FILE, LogManager} from '../../../src/storage/log-manager.js'
import {type CountingFs, countingFs, makeBatch, makeTempDir, recordingLogger, type RecordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const managers: LogManager[] = []

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((manager) => manager.close()))
  await temp.remove()
})

const logDir = () => join(temp.path, 'orders-0')
const segmentFile = (base: number, suffix: string) => join(logDir(), `${String(base).padStart(20, '0')}${suffix}`)

async function openManager(logger: RecordingLogger = recordingLogger(), fs?: CountingFs) {
  const manager = await LogManager.open(temp.path, {
    logger,
    fs,
    defaults: {segmentBytes: 1200, indexIntervalBytes: 100},
    checkpointIntervalMs: 0,
  })
  managers.push(manager)
  return manager
}

/** Writes `count` batches of 3 records (100 bytes each) and closes cleanly. */
async function writeLog(count: number): Promise<Buffer[]> {
  const manager = await openManager()
  const log = await manager.createLog('orders', 0)
  const batches = Array.from({length: count}, (_, i) => makeBatch({records: 3, payloadBytes: 39, fill: i, baseTimestamp: 1000 + i}))
  for (const batch of batches) await log.append(batch, {durable: false})
  await closeManager(manager)
  return batches
}

async function closeManager(manager: LogManager) {
  managers.splice(managers.indexOf(manager), 1)
  await manager.close()
}

/** What a crash leaves: the files as they were, without the clean-shutdown marker. */
async function forgetCleanShutdown() {
  await rm(join(temp.path, CLEAN_SHUTDOWN_FILE))
}

async function activeSegmentBase(): Promise<number> {
  const logs = (await readdir(logDir())).filter((name) => name.endsWith('.log')).sort()
  return Number(logs[logs.length - 1].slice(0, 20))
}

async function readAll(manager: LogManager): Promise<Buffer[]> {
  const log = manager.getLog('orders', 0)!
  return (await log.read(log.logStartOffset, 1 << 24)).batches
}

describe('clean shutdown', () => {
  it('reopens from the indexes without scanning the log, and appends carry on', async () => {
    const batches = await writeLog(40)
    const fs = countingFs()
    const logger = recordingLogger()
    const manager = await openManager(logger, fs)
    const log = manager.getLog('orders', 0)!
    expect(log.logEndOffset).toBe(120)
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(3)
    // Only the tail after the active segment's last index entry is read: not the 4000-byte log.
    expect(fs.logBytesRead).toBeLessThan(1000)
    expect(logger.warnings).toEqual([])
    expect(await readAll(manager)).toEqual(batches)
    expect(await (await readFile(join(temp.path, 'recovery-point-offset-checkpoint'))).toString()).toBe('0\n1\norders 0 120\n')
    expect((await log.append(makeBatch(), {durable: false})).baseOffset).toBe(120)
  })

  it('removes the marker while loading, so a crash during the run counts as unclean', async () => {
    await writeLog(2)
    await openManager()
    await expect(stat(join(temp.path, CLEAN_SHUTDOWN_FILE))).rejects.toMatchObject({code: 'ENOENT'})
  })
})

describe('unclean shutdown', () => {
  it('truncates a torn, half-written last batch with a warning, and appends continue at the right offset', async () => {
    const batches = await writeLog(20)
    await forgetCleanShutdown()
    const active = segmentFile(await activeSegmentBase(), '.log')
    const torn = makeBatch({records: 3, payloadBytes: 39}).subarray(0, 70)
    torn.writeBigInt64BE(60n, 0)
    await appendFile(active, torn)
    const logger = recordingLogger()
    const manager = await openManager(logger)
    const log = manager.getLog('orders', 0)!
    expect(log.logEndOffset).toBe(60)
    expect(logger.warnings.join('\n')).toMatch(/Truncated the torn tail of .*orders-0.*\.log at byte position \d+/)
    expect(await readAll(manager)).toEqual(batches)
    expect(await log.append(makeBatch(), {durable: true})).toEqual({baseOffset: 60, lastOffset: 60})
    expect((await log.read(60, 1000)).batches.map((batch) => readBaseOffset(batch))).toEqual([60])
  })

  it('truncates a last batch whose CRC does not match', async () => {
    const batches = await writeLog(20)
    await forgetCleanShutdown()
    const active = segmentFile(await activeSegmentBase(), '.log')
    const bytes = await readFile(active)
    bytes[bytes.length - 5] ^= 0xff
    await writeFile(active, bytes)
    const logger = recordingLogger()
    const manager = await openManager(logger)
    expect(manager.getLog('orders', 0)!.logEndOffset).toBe(57)
    expect(logger.warnings.join('\n')).toContain('CRC-32C')
    expect(await readAll(manager)).toEqual(batches.slice(0, 19))
    expect((await stat(active)).size).toBe(bytes.length - 100)
  })

  it('truncates a zero-filled tail (preallocated or never written pages)', async () => {
    const batches = await writeLog(5)
    await forgetCleanShutdown()
    await appendFile(segmentFile(await activeSegmentBase(), '.log'), Buffer.alloc(300))
    const manager = await openManager()
    expect(await readAll(manager)).toEqual(batches)
  })

  it('recovers exactly the acknowledged batches after random bytes land after the active log and index (Kafka testCorruptLog)', async () => {
    const batches = await writeLog(20)
    const base = await activeSegmentBase()
    const files = ['.log', '.index', '.timeindex'].map((suffix) => segmentFile(base, suffix))
    const originals = await Promise.all(files.map((file) => readFile(file)))
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({minLength: 1, maxLength: 1024}),
        fc.uint8Array({minLength: 1, maxLength: 1024}),
        async (logGarbage, indexGarbage) => {
          await Promise.all(files.map((file, i) => writeFile(file, originals[i])))
          await appendFile(files[0], logGarbage)
          await appendFile(files[1], indexGarbage)
          await rm(join(temp.path, CLEAN_SHUTDOWN_FILE), {force: true})
          const manager = await openManager()
          expect(await readAll(manager)).toEqual(batches)
          expect(manager.getLog('orders', 0)!.logEndOffset).toBe(60)
          await closeManager(manager)
        },
      ),
      {numRuns: 10},
    )
  })

  it('refuses to start when damage is followed by sound batches, naming the file and position', async () => {
    await writeLog(20)
    await forgetCleanShutdown()
    // Without a recovery point nothing counts as flushed, so the whole active segment is checked.
    await rm(join(temp.path, 'recovery-point-offset-checkpoint'))
    const base = await activeSegmentBase()
    const active = segmentFile(base, '.log')
    const bytes = await readFile(active)
    expect(bytes.length).toBeGreaterThanOrEqual(300)
    bytes[100 + 70] ^= 0xff // inside the second batch of the segment
    await writeFile(active, bytes)
    const error = await openManager().catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(StorageCorruptionError)
    expect(error).toMatchObject({file: active, position: 100, code: 56})
    expect((error as Error).message).toContain(`${active} is damaged at byte position 100`)
    expect((error as Error).message).toContain('followed by a sound batch at byte position 200')
    // Nothing was cut off.
    expect((await readFile(active)).length).toBe(bytes.length)
  })

  it('refuses when a damaged segment is followed by a later segment with data', async () => {
    await writeLog(20)
    await forgetCleanShutdown()
    // Without a recovery point every segment is unflushed as far as recovery knows.
    await rm(join(temp.path, 'recovery-point-offset-checkpoint'))
    const logs = (await readdir(logDir())).filter((name) => name.endsWith('.log')).sort()
    const first = join(logDir(), logs[0])
    const size = (await stat(first)).size
    await truncate(first, size - 30)
    await expect(openManager()).rejects.toMatchObject({file: first, position: size - 100})
  })

  it('validates everything when the recovery point checkpoint is missing', async () => {
    const batches = await writeLog(30)
    await forgetCleanShutdown()
    await rm(join(temp.path, 'recovery-point-offset-checkpoint'))
    const fs = countingFs()
    const manager = await openManager(recordingLogger(), fs)
    expect(fs.logBytesRead).toBeGreaterThanOrEqual(3000)
    expect(await readAll(manager)).toEqual(batches)
  })

  it('scans only from the segment holding the recovery point', async () => {
    await writeLog(30)
    await forgetCleanShutdown()
    const fs = countingFs()
    await openManager(recordingLogger(), fs)
    expect(fs.logBytesRead).toBeLessThan(1300)
  })
})

describe('unclean shutdown with the recovery point inside the active segment', () => {
  /** 30 batches in one segment, the first 20 flushed and checkpointed; then a crash (files copied as they are). */
  async function crashMidSegment(): Promise<{batches: Buffer[]; crashed: string}> {
    const live = join(temp.path, 'live')
    const manager = await LogManager.open(live, {
      logger: recordingLogger(),
      defaults: {segmentBytes: 1 << 20, indexIntervalBytes: 100},
      checkpointIntervalMs: 0,
    })
    managers.push(manager)
    const log = await manager.createLog('orders', 0)
    const batches = Array.from({length: 30}, (_, i) => makeBatch({records: 3, payloadBytes: 39, fill: i, baseTimestamp: 1000 + i}))
    for (const batch of batches.slice(0, 20)) await log.append(batch, {durable: false})
    await log.flush()
    await manager.checkpoint()
    for (const batch of batches.slice(20)) await log.append(batch, {durable: true})
    const crashed = join(temp.path, 'crashed')
    await cp(live, crashed, {recursive: true})
    return {batches, crashed}
  }

  async function openCrashed(dir: string, logger: RecordingLogger, fs?: CountingFs) {
    const manager = await LogManager.open(dir, {logger, fs, defaults: {segmentBytes: 1 << 20, indexIntervalBytes: 100}, checkpointIntervalMs: 0})
    managers.push(manager)
    return manager
  }

  it('checks only the batches after the recovery point, and keeps them all', async () => {
    const {batches, crashed} = await crashMidSegment()
    const fs = countingFs()
    const manager = await openCrashed(crashed, recordingLogger(), fs)
    const log = manager.getLog('orders', 0)!
    expect(log.logEndOffset).toBe(90)
    // 10 batches of 100 bytes past the recovery point, and the one before it: not the 3000-byte log.
    expect(fs.logBytesRead).toBeLessThan(1500)
    expect((await log.read(0, 1 << 24)).batches).toEqual(batches)
    expect((await log.append(makeBatch(), {durable: true})).baseOffset).toBe(90)
  })

  it('cuts a torn tail after the recovery point and rebuilds the indexes past it', async () => {
    const {batches, crashed} = await crashMidSegment()
    const torn = makeBatch({records: 3, payloadBytes: 39}).subarray(0, 70)
    await appendFile(join(crashed, 'orders-0', '00000000000000000000.log'), torn)
    const logger = recordingLogger()
    const manager = await openCrashed(crashed, logger)
    const log = manager.getLog('orders', 0)!
    expect(log.logEndOffset).toBe(90)
    expect(logger.warnings.join('\n')).toMatch(/Truncated the torn tail/)
    for (const offset of [0, 59, 60, 61, 75, 89])
      expect(readBaseOffset((await log.read(offset, 1)).batches[0])).toBe(offset - (offset % 3))
    expect((await log.read(0, 1 << 24)).batches).toEqual(batches)
  })
})

describe('indexes', () => {
  it('rebuilds deleted index files from the log', async () => {
    const batches = await writeLog(30)
    for (const name of await readdir(logDir()))
      if (name.endsWith('.index') || name.endsWith('.timeindex')) await rm(join(logDir(), name))
    const logger = recordingLogger()
    const manager = await openManager(logger)
    const log = manager.getLog('orders', 0)!
    expect(logger.warnings.join('\n')).toContain('Rebuilding the indexes')
    expect(await readAll(manager)).toEqual(batches)
    for (const offset of [0, 44, 45, 46, 89]) {
      const [first] = (await log.read(offset, 1)).batches
      expect(readBaseOffset(first)).toBe(offset - (offset % 3))
    }
    expect((await log.offsetForTimestamp(1017))?.offset).toBe(51)
    expect(await log.maxTimestampEntry()).toEqual({offset: 89, timestamp: 1029})
    const files = await readdir(logDir())
    expect(files.filter((name) => name.endsWith('.index'))).toHaveLength(log.segmentBaseOffsets.length)
    expect((await stat(segmentFile(0, '.index'))).size).toBeGreaterThan(0)
  })

  it('rebuilds an index that fails its sanity check instead of trusting it', async () => {
    const batches = await writeLog(30)
    await writeFile(segmentFile(0, '.index'), Buffer.from([0, 0, 0, 9, 0, 0, 0x7f, 0xff, 1]))
    const garbage = Buffer.alloc(24)
    garbage.writeBigInt64BE(500n, 0)
    garbage.writeBigInt64BE(400n, 12) // timestamps going backwards
    await writeFile(segmentFile(0, '.timeindex'), garbage)
    const logger = recordingLogger()
    const manager = await openManager(logger)
    expect(logger.warnings).toHaveLength(1)
    expect(await readAll(manager)).toEqual(batches)
    expect((await manager.getLog('orders', 0)!.read(4, 1)).batches.map((batch) => readBaseOffset(batch))).toEqual([3])
  })

  it('removes leftover .deleted and .cleaned files and index files without a log', async () => {
    await writeLog(3)
    await writeFile(join(logDir(), '00000000000000000500.log.deleted'), 'x')
    await writeFile(join(logDir(), '00000000000000000500.index.cleaned'), 'x')
    await writeFile(join(logDir(), '00000000000000000900.index'), 'x')
    await openManager()
    const segmentFiles = (await readdir(logDir())).filter((name) => !name.endsWith('.snapshot'))
    expect(segmentFiles.sort()).toEqual([
      '00000000000000000000.index',
      '00000000000000000000.log',
      '00000000000000000000.timeindex',
    ])
  })
})
