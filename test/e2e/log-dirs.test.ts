/** kbus log-dirs (kafka-log-dirs) against a real daemon: Kafka's JSON document on stdout, its status lines on stderr. */
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {LogDirsJson} from '../../src/cli/log-dirs.js'
import {type Daemon, kbus, type KbusResult, startDaemon} from './helpers/index.js'

let daemon: Daemon
const run = (...args: string[]) => kbus(args, {home: daemon.home})

async function produce(topic: string, lines: string[]): Promise<void> {
  const result = await kbus(['console-producer', '--topic', topic], {home: daemon.home, input: `${lines.join('\n')}\n`})
  expect(result.exitCode, result.stderr).toBe(0)
}

/** The one JSON line a successful run prints, checked for the status lines beside it. */
function document(result: KbusResult): LogDirsJson {
  expect(result.exitCode, result.stderr).toBe(0)
  expect(result.stderr).toBe('Querying brokers for log directories information\nReceived log directory information from brokers 1\n')
  expect(result.stdout.split('\n')).toHaveLength(2) // one line, then the final newline
  return JSON.parse(result.stdout) as LogDirsJson
}

/** Partition names in the one log dir of the one broker. */
function partitionNames(doc: LogDirsJson): string[] {
  return doc.brokers[0].logDirs[0].partitions.map((p) => p.partition)
}

function totalSize(doc: LogDirsJson): number {
  return doc.brokers[0].logDirs[0].partitions.reduce((sum, p) => sum + p.size, 0)
}

function expectOneLineError(result: KbusResult, exitCode: number, message: RegExp): void {
  expect(result.exitCode).toBe(exitCode)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatch(message)
  expect(result.stderr).not.toMatch(/^\s+at /m)
}

beforeAll(async () => {
  daemon = await startDaemon()
  await run('topics', 'create', '--topic', 'sized', '--partitions', '2')
  await run('topics', 'create', '--topic', 'bystander', '--partitions', '1')
})

afterAll(async () => {
  await daemon?.remove()
})

describe('kbus log-dirs --describe', () => {
  it("prints Kafka's document, with sizes that grow as records arrive", async () => {
    const before = document(await run('log-dirs', '--describe'))
    expect(before.version).toBe(1)
    expect(before.brokers.map((b) => b.broker)).toEqual([1])
    const [dir] = before.brokers[0].logDirs
    expect(before.brokers[0].logDirs).toHaveLength(1)
    expect(dir.error).toBeNull()
    expect(dir.logDir).toBe(join(daemon.home, 'data'))
    expect(dir.partitions).toContainEqual({partition: 'sized-0', size: 0, offsetLag: 0, isFuture: false})
    // Kafka's key order, which scripts comparing text rely on.
    expect(Object.keys(before)).toEqual(['brokers', 'version'])
    expect(Object.keys(before.brokers[0])).toEqual(['broker', 'logDirs'])
    expect(Object.keys(dir)).toEqual(['partitions', 'error', 'logDir'])
    expect(Object.keys(dir.partitions[0])).toEqual(['partition', 'size', 'offsetLag', 'isFuture'])

    await produce('sized', ['one', 'two', 'three'])
    const afterOne = totalSize(document(await run('log-dirs', '--describe', '--topic-list', 'sized')))
    expect(afterOne).toBeGreaterThan(0)
    await produce('sized', Array.from({length: 50}, (_, i) => `record ${i}`))
    expect(totalSize(document(await run('log-dirs', '--describe', '--topic-list', 'sized')))).toBeGreaterThan(afterOne)
  })

  it('--topic-list shows only those topics, and a topic that does not exist is simply absent', async () => {
    const filtered = document(await run('log-dirs', '--describe', '--topic-list', 'sized,no-such-topic'))
    expect(partitionNames(filtered)).toEqual(['sized-0', 'sized-1'])

    const none = document(await run('log-dirs', '--describe', '--topic-list', 'no-such-topic'))
    expect(none.brokers[0].logDirs[0]).toMatchObject({partitions: [], error: null})

    // Empty entries are skipped, so this is every topic again.
    const all = document(await run('log-dirs', '--describe', '--topic-list', ','))
    expect(partitionNames(all)).toEqual(expect.arrayContaining(['bystander-0', 'sized-0', 'sized-1']))
  })

  it('--broker-list names brokers to ask over TCP too, and --json gives the same document', async () => {
    const text = await kbus(['log-dirs', '--describe', '--bootstrap-server', daemon.bootstrap, '--broker-list', '1', '--topic-list', 'bystander'], {
      home: daemon.home,
    })
    const json = await run('log-dirs', '--describe', '--topic-list', 'bystander', '--json')
    expect(json.exitCode, json.stderr).toBe(0)
    expect(JSON.parse(json.stdout)).toEqual(document(text))
  })

  it("refuses bad input with one line on stderr, as Kafka's tool does", async () => {
    expectOneLineError(
      await run('log-dirs', '--describe', '--broker-list', '1,2,5'),
      1,
      /^Error: The given brokers do not exist from --broker-list: 2,5\. Current existent brokers: 1\n/,
    )
    expectOneLineError(await run('log-dirs', '--describe', '--broker-list', 'one'), 2, /^Error: --broker-list takes broker ids/)
    expectOneLineError(await run('log-dirs'), 2, /^Error: Missing required argument --describe\n/)
  })
})
