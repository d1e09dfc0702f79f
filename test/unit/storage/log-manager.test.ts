import {constants} from 'node:fs'
import {mkdir, readFile, readdir, stat, writeFile} from 'node:fs/promises'
import {basename, join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type StorageFs, nodeFs} from '../../../src/storage/fs.js'
import {CLEAN_SHUTDOWN_FILE, LogManager} from '../../../src/storage/log-manager.js'
import {makeBatch, makeTempDir, recordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const managers: LogManager[] = []

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(managers.splice(0).map((manager) => manager.close()))
  await temp.remove()
})

async function openManager(dataDir = temp.path) {
  const manager = await LogManager.open(dataDir, {logger: recordingLogger(), checkpointIntervalMs: 0})
  managers.push(manager)
  return manager
}

async function reopen(manager: LogManager) {
  managers.splice(managers.indexOf(manager), 1)
  await manager.close()
  return openManager(manager.dataDir)
}

describe('LogManager', () => {
  it('creates the data directory and finds logs again after a restart, topic names with - and . included', async () => {
    const dataDir = join(temp.path, 'nested', 'data')
    const manager = await openManager(dataDir)
    for (const [topic, partition] of [['my-topic.v2', 3], ['a-0', 0], ['__consumer_offsets', 12]] as const) {
      const log = await manager.createLog(topic, partition)
      await log.append(makeBatch({records: partition + 1}), {durable: true})
    }
    await mkdir(join(dataDir, 'meta'))
    await writeFile(join(dataDir, 'meta.properties'), 'node.id=1\n')
    const again = await reopen(manager)
    expect(again.allLogs().map((log) => `${log.topic}/${log.partition}`).sort()).toEqual(['__consumer_offsets/12', 'a-0/0', 'my-topic.v2/3'])
    expect(again.getLog('my-topic.v2', 3)!.logEndOffset).toBe(4)
    expect(again.getLog('a-0', 0)!.dir).toBe(join(dataDir, 'a-0-0'))
    expect(again.getLog('my-topic', 3)).toBeUndefined()
  })

  it('writes the checkpoints and the clean-shutdown marker on close', async () => {
    const manager = await openManager()
    const log = await manager.createLog('orders', 1)
    await log.append(makeBatch({records: 7}), {durable: false})
    managers.splice(0)
    await manager.close()
    expect((await readFile(join(temp.path, 'recovery-point-offset-checkpoint'))).toString()).toBe('0\n1\norders 1 7\n')
    expect((await readFile(join(temp.path, 'log-start-offset-checkpoint'))).toString()).toBe('0\n1\norders 1 0\n')
    expect((await stat(join(temp.path, CLEAN_SHUTDOWN_FILE))).isFile()).toBe(true)
  })

  it('checkpoints on demand while running, without marking a clean shutdown', async () => {
    const manager = await openManager()
    const log = await manager.createLog('orders', 0)
    await log.append(makeBatch({records: 2}), {durable: false})
    await log.flush()
    await manager.checkpoint()
    expect((await readFile(join(temp.path, 'recovery-point-offset-checkpoint'))).toString()).toBe('0\n1\norders 0 2\n')
    await expect(stat(join(temp.path, CLEAN_SHUTDOWN_FILE))).rejects.toMatchObject({code: 'ENOENT'})
  })

  it('deletes all logs of a topic and only those', async () => {
    const manager = await openManager()
    for (const partition of [0, 1, 2]) await manager.createLog('doomed', partition)
    await manager.createLog('doomed-too', 0)
    await manager.deleteLogs('doomed')
    expect(manager.getLog('doomed', 1)).toBeUndefined()
    expect((await readdir(temp.path)).filter((name) => name.startsWith('doomed'))).toEqual(['doomed-too-0'])
    expect(manager.allLogs().map((log) => log.topic)).toEqual(['doomed-too'])
  })

  it('finishes a deletion a crash interrupted, and removes logs of topics that no longer exist', async () => {
    const manager = await openManager()
    await manager.createLog('kept', 0)
    await manager.createLog('stray', 0)
    const half = join(temp.path, 'gone-0.0123456789abcdef0123456789abcdef-delete')
    await mkdir(half)
    await writeFile(join(half, '00000000000000000000.log'), 'x')
    const again = await reopen(manager)
    expect(await readdir(temp.path)).not.toContain('gone-0.0123456789abcdef0123456789abcdef-delete')
    await again.removeStrayLogs(new Set(['kept']))
    expect(again.allLogs().map((log) => log.topic)).toEqual(['kept'])
    expect(await readdir(temp.path)).not.toContain('stray-0')
  })

  it('adds up the bytes of every log', async () => {
    const manager = await openManager()
    const a = await manager.createLog('a', 0)
    const b = await manager.createLog('b', 0)
    await a.append(makeBatch({payloadBytes: 100}), {durable: false})
    await b.append(makeBatch({payloadBytes: 200}), {durable: false})
    expect(manager.totalBytes()).toBe(161 + 261)
  })

  it('gives new logs the defaults, or the config passed in', async () => {
    const manager = await LogManager.open(temp.path, {logger: recordingLogger(), checkpointIntervalMs: 0, defaults: {segmentBytes: 300}})
    managers.push(manager)
    const small = await manager.createLog('small', 0)
    const large = await manager.createLog('large', 0, {segmentBytes: 1 << 20})
    for (let i = 0; i < 5; i++) {
      await small.append(makeBatch({payloadBytes: 100}), {durable: false})
      await large.append(makeBatch({payloadBytes: 100}), {durable: false})
    }
    expect(small.segmentBaseOffsets.length).toBe(5)
    expect(large.segmentBaseOffsets).toEqual([0])
  })

  it('refuses to create a log twice', async () => {
    const manager = await openManager()
    await manager.createLog('t', 0)
    await expect(manager.createLog('t', 0)).rejects.toThrow('already exists')
  })
})

describe('making new logs durable', () => {
  /** nodeFs that records which directories were fsync'd, which files fdatasync'd and which written through O_DSYNC, in order. */
  function syncRecordingFs(events: string[]): StorageFs {
    return {
      ...nodeFs,
      async open(path, flags) {
        const file = await nodeFs.open(path, flags)
        const writesThrough = typeof flags === 'number' && (flags & constants.O_DSYNC) !== 0
        return {
          read: (buffer, offset, length, position) => file.read(buffer, offset, length, position),
          write: (buffer, offset, length, position) => file.write(buffer, offset, length, position),
          writev: (buffers, position) => {
            if (writesThrough) events.push(`dsync write ${basename(path)}`)
            return file.writev(buffers, position)
          },
          datasync: async () => {
            events.push(`datasync ${basename(path)}`)
            await file.datasync()
          },
          sync: async () => {
            if (flags === 'r') events.push(`dirsync ${basename(path)}`)
            await file.sync()
          },
          truncate: (length) => file.truncate(length),
          stat: () => file.stat(),
          close: () => file.close(),
        }
      },
    }
  }

  it('syncs the data directory for new logs, and each log directory only before its first durable append', async () => {
    const events: string[] = []
    const manager = await LogManager.open(temp.path, {logger: recordingLogger(), checkpointIntervalMs: 0, fs: syncRecordingFs(events)})
    managers.push(manager)
    const logs = await Promise.all(Array.from({length: 20}, (_, partition) => manager.createLog('many', partition)))
    // How many creations share one fsync depends on timing (the benchmark measures that); at least one covers them.
    expect(events).toContain(`dirsync ${basename(temp.path)}`)
    expect(events.filter((event) => event.startsWith('dirsync many-'))).toEqual([])
    events.length = 0
    await logs[7].append(makeBatch(), {durable: true})
    expect(events).toEqual(['dirsync many-7', 'datasync 00000000000000000000.log'])
    // Once the segment is synced, a durable append is one write through O_DSYNC, no fdatasync.
    events.length = 0
    await logs[7].append(makeBatch(), {durable: true})
    expect(events).toEqual(['dsync write 00000000000000000000.log'])
  })
})
