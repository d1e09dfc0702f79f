/**
 * The durability contract, with the real daemon: what a producer saw acknowledged survives a
 * SIGKILL; a torn tail is cut off at restart with a warning; damage followed by good data stops
 * the broker from starting, naming the file and position.
 */
import {appendFileSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon} from './helpers/index.js'

let daemon: Daemon | undefined
afterEach(async () => {
  await daemon?.remove()
  daemon = undefined
})

const lines = (count: number, prefix = 'record') => Array.from({length: count}, (_, i) => `${prefix}-${i}`)

async function produce(d: Daemon, topic: string, values: string[]) {
  const result = await kbus(['console-producer', '--bootstrap-server', d.bootstrap, '--topic', topic], {home: d.home, input: values.join('\n') + '\n'})
  expect(result.exitCode, result.stderr).toBe(0)
}

async function consumeAll(d: Daemon, topic: string, count: number) {
  const result = await kbus(
    ['console-consumer', '--bootstrap-server', d.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '10000'],
    {home: d.home},
  )
  return result.stdout.split('\n').filter(Boolean)
}

function activeSegment(d: Daemon, topic: string): string {
  const dir = join(d.home, 'data', `${topic}-0`)
  const logs = readdirSync(dir).filter((name) => name.endsWith('.log')).sort()
  return join(dir, logs[logs.length - 1])
}

describe('durability', () => {
  it('keeps every acknowledged record across a SIGKILL and keeps counting offsets after it', async () => {
    daemon = await startDaemon()
    const first = lines(20_000)
    await produce(daemon, 'ledger', first)
    await daemon.kill9()
    await daemon.restart()
    await produce(daemon, 'ledger', ['after-restart'])
    expect(await consumeAll(daemon, 'ledger', first.length + 1)).toEqual([...first, 'after-restart'])
  })

  it('cuts a torn tail off at restart, with a warning in the server log', async () => {
    daemon = await startDaemon()
    await produce(daemon, 'torn', lines(100))
    await daemon.kill9()
    // A write the crash cut short: a batch header promising more bytes than follow.
    const torn = Buffer.alloc(40)
    torn.writeInt32BE(500, 8)
    appendFileSync(activeSegment(daemon, 'torn'), torn)
    await daemon.restart()
    const log = readFileSync(join(daemon.home, 'server.log'), 'utf8')
    expect(log).toMatch(/WARN Truncated the torn tail of .*torn-0.* at byte position \d+/)
    await produce(daemon, 'torn', ['next'])
    const consumed = await consumeAll(daemon, 'torn', 101)
    expect(consumed).toEqual([...lines(100), 'next'])
  })

  it('refuses to start when damage has good data after it, naming the file and position', async () => {
    daemon = await startDaemon()
    await produce(daemon, 'damaged', lines(10, 'first'))
    await produce(daemon, 'damaged', lines(10, 'second'))
    await daemon.kill9()
    const segment = activeSegment(daemon, 'damaged')
    const bytes = readFileSync(segment)
    bytes[70] ^= 0xff // inside the first batch's records: its CRC no longer matches
    writeFileSync(segment, bytes)
    const started = await kbus(['server', 'start', '--daemon', '--port', String(daemon.port)], {home: daemon.home})
    expect(started.exitCode).toBe(1)
    expect(started.stderr).toContain(segment)
    expect(started.stderr).toMatch(/position \d+/)
  })
})
