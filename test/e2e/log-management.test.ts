/**
 * Retention and compaction as a user sees them through the daemon: with a short check interval,
 * old segments go (by size and by time) and the earliest offset moves; a compacted topic ends up
 * with the newest value per key and no tombstones once delete.retention.ms has passed.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

let daemon: Daemon
beforeAll(async () => {
  daemon = await startDaemon({overrides: ['log.retention.check.interval.ms=300']})
})
afterAll(async () => {
  await daemon?.remove()
})

const run = (args: string[], input?: string) => kbus(args, {home: daemon.home, input})

async function createTopic(topic: string, configs: string[]) {
  const result = await run(['topics', 'create', '--topic', topic, ...configs.flatMap((config) => ['--config', config])])
  expect(result.exitCode, result.stderr).toBe(0)
}

async function produce(topic: string, lines: string[], properties: string[] = []) {
  const result = await run(
    ['console-producer', '--topic', topic, ...properties.flatMap((property) => ['--property', property])],
    lines.join('\n') + '\n',
  )
  expect(result.exitCode, result.stderr).toBe(0)
}

async function earliestOffset(topic: string): Promise<number> {
  const result = await run(['get-offsets', '--topic', topic, '--time', '-2'])
  expect(result.exitCode, result.stderr).toBe(0)
  return Number(result.stdout.trim().split(':')[2])
}

describe('retention', () => {
  it('deletes the oldest segments once a partition outgrows retention.bytes', async () => {
    await createTopic('by-size', ['segment.bytes=1048576', 'retention.bytes=1048576'])
    const record = 'x'.repeat(1000)
    await produce('by-size', Array.from({length: 3500}, (_, i) => `${i}:${record}`))
    const earliest = await waitFor(async () => {
      const offset = await earliestOffset('by-size')
      return offset > 0 ? offset : undefined
    }, {what: 'retention.bytes to delete a segment'})
    // Whole segments go, oldest first: what is left starts exactly at a segment boundary and
    // still holds at least retention.bytes of the newest data.
    const remaining = await run(['console-consumer', '--topic', 'by-size', '--from-beginning', '--timeout-ms', '3000'])
    const first = Number(remaining.stdout.split('\n')[0].split(':')[0])
    expect(first).toBe(earliest)
    expect(3500 - earliest).toBeGreaterThanOrEqual(1000)
  })

  it('deletes everything older than retention.ms, rolling the active segment', async () => {
    await createTopic('by-time', ['retention.ms=1000'])
    await produce('by-time', ['a', 'b', 'c'])
    await waitFor(async () => ((await earliestOffset('by-time')) === 3 ? true : undefined), {what: 'retention.ms to expire the records'})
    // Keep what comes next: a config change applies without a restart.
    const altered = await run(['configs', '--alter', '--topic', 'by-time', '--add-config', 'retention.ms=-1'])
    expect(altered.exitCode, altered.stderr).toBe(0)
    await produce('by-time', ['d'])
    const consumed = await run(['console-consumer', '--topic', 'by-time', '--from-beginning', '--max-messages', '1'])
    expect(consumed.stdout).toBe('d\n')
    expect(await earliestOffset('by-time')).toBe(3)
  })
})

describe('compaction', () => {
  it('keeps the newest value per key and drops tombstones after delete.retention.ms', async () => {
    await createTopic('compacted', [
      'cleanup.policy=compact', 'segment.ms=100', 'min.cleanable.dirty.ratio=0.01', 'delete.retention.ms=100',
    ])
    const keyed = ['parse.key=true', 'key.separator=:', 'null.marker=NULL']
    await produce('compacted', ['a:1', 'b:1', 'a:2', 'c:1', 'b:NULL', 'a:3'], keyed)
    // The active segment is never cleaned: keep appending so the data above rolls and is compacted.
    const compacted = await waitFor(async () => {
      await produce('compacted', ['z:roll'], keyed)
      const result = await run(['console-consumer', '--topic', 'compacted', '--from-beginning', '--timeout-ms', '1500',
        '--property', 'print.key=true', '--property', 'key.separator=='])
      const lines = result.stdout.split('\n').filter((line) => line && !line.startsWith('z='))
      return lines.join(',') === 'c=1,a=3' ? lines : undefined
    }, {what: 'the cleaner to compact the topic', timeout: 40_000})
    expect(compacted).toEqual(['c=1', 'a=3'])
  })
})
