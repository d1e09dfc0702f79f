/** get-offsets, delete-records and dump-log against a real daemon and the segments it writes. */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

let daemon: Daemon
const run = (...args: string[]) => kbus(args, {home: daemon.home})

async function produce(topic: string, lines: string[], ...args: string[]): Promise<void> {
  const result = await kbus(['console-producer', '--topic', topic, ...args], {home: daemon.home, input: `${lines.join('\n')}\n`})
  expect(result.exitCode, result.stderr).toBe(0)
}

beforeAll(async () => {
  daemon = await startDaemon()
})

afterAll(async () => {
  await daemon?.remove()
})

describe('kbus get-offsets', () => {
  it('prints topic:partition:offset for latest, earliest and a timestamp', async () => {
    await run('topics', 'create', '--topic', 'clicks', '--partitions', '1')
    await produce('clicks', ['a', 'b', 'c'])
    // Records produced from here on carry a timestamp of at least `between`.
    const between = Date.now() + 1
    await waitFor(() => Date.now() > between)
    await produce('clicks', ['d', 'e'])
    await run('topics', 'alter', '--topic', 'clicks', '--partitions', '2') // partition 1 stays empty

    expect(await run('get-offsets', '--topic', 'clicks')).toMatchObject({exitCode: 0, stdout: 'clicks:0:5\nclicks:1:0\n'})
    expect((await run('get-offsets', '--topic', 'clicks', '--time', '-1')).stdout).toBe('clicks:0:5\nclicks:1:0\n')
    expect((await run('get-offsets', '--topic', 'clicks', '--time', 'earliest', '--partitions', '0')).stdout).toBe('clicks:0:0\n')
    // A timestamp finds the first record at or after it; partitions with none are left out.
    expect((await run('get-offsets', '--topic', 'clicks', '--time', String(between))).stdout).toBe('clicks:0:3\n')
    expect((await run('get-offsets', '--topic', 'clicks', '--time', String(Date.now() + 3_600_000))).stdout).toBe('')

    const json = await run('get-offsets', '--topic-partitions', 'clicks:0', '--json')
    expect(JSON.parse(json.stdout)).toEqual([{topic: 'clicks', partition: 0, offset: 5}])
  })

  it("refuses what Kafka's tool refuses", async () => {
    const none = await run('get-offsets', '--topic', 'nothing-here')
    expect(none.exitCode).toBe(1)
    expect(none.stderr).toMatch(/^Error: Could not match any topic-partitions with the specified filters\n/)
    const badTime = await run('get-offsets', '--time', 'yesterday')
    expect(badTime.exitCode).toBe(2)
    expect(badTime.stderr).toMatch(/^Error: Malformed time argument yesterday\./)
    const both = await run('get-offsets', '--topic', 'clicks', '--topic-partitions', 'clicks:0')
    expect(both.stderr).toMatch(/--topic-partitions cannot be used with --topic or --partitions/)
  })
})

describe('kbus delete-records', () => {
  it("moves the log start with Kafka's JSON file and prints Kafka's lines", async () => {
    await run('topics', 'create', '--topic', 'trim', '--partitions', '1')
    await produce('trim', ['1', '2', '3', '4', '5'])
    const file = join(daemon.home, 'offsets.json')
    writeFileSync(file, JSON.stringify({partitions: [{topic: 'trim', partition: 0, offset: 3}], version: 1}))

    const deleted = await run('delete-records', '--offset-json-file', file)
    expect(deleted).toMatchObject({
      exitCode: 0,
      stdout: 'Executing records delete operation\nRecords delete operation completed:\npartition: trim-0\tlow_watermark: 3\n',
    })
    expect((await run('get-offsets', '--topic', 'trim', '--time', 'earliest')).stdout).toBe('trim:0:3\n')
    const consumed = await run('console-consumer', '--topic', 'trim', '--partition', '0', '--offset', 'earliest', '--timeout-ms', '2000')
    expect(consumed.stdout).toBe('4\n5\n')

    // The friendlier form; -1 deletes up to the high watermark.
    const all = await run('delete-records', '--topic', 'trim', '--offset', '-1')
    expect(all.stdout).toMatch(/partition: trim-0\tlow_watermark: 5\n$/)
    expect((await run('get-offsets', '--topic', 'trim', '--time', 'earliest')).stdout).toBe('trim:0:5\n')
  })

  it('reports a partition it could not trim and exits 1', async () => {
    const beyond = await run('delete-records', '--topic', 'trim', '--partition', '0', '--offset', '99')
    expect(beyond.exitCode).toBe(1)
    expect(beyond.stdout).toMatch(/partition: trim-0\terror: The requested offset is not within the range of offsets maintained by the server\.\n$/)
    expect(beyond.stderr).toMatch(/^Error: Deleting records failed for 1 of 1 partition\(s\)\./)

    const file = join(daemon.home, 'twice.json')
    writeFileSync(file, JSON.stringify({partitions: [{topic: 'trim', partition: 0, offset: 1}, {topic: 'trim', partition: 0, offset: 2}]}))
    const twice = await run('delete-records', '--offset-json-file', file)
    expect(twice.exitCode).toBe(1)
    expect(twice.stderr).toMatch(/^Error: Offset json file contains duplicate topic partitions: trim-0\n/)
  })
})

describe('kbus dump-log', () => {
  it('dumps a segment the daemon wrote, and verifies its indexes', async () => {
    // An index entry after every batch, so the indexes have something to check.
    await run('topics', 'create', '--topic', 'dumped', '--config', 'index.interval.bytes=0')
    for (const round of [1, 2, 3]) await produce('dumped', [`k${round}:v${round}`], '--property', 'parse.key=true', '--property', 'key.separator=:')
    await daemon.stop() // a clean stop writes the indexes out
    const base = join(daemon.home, 'data', 'dumped-0', '00000000000000000000')

    const shallow = await run('dump-log', '--files', `${base}.log`)
    expect(shallow.exitCode).toBe(0)
    const lines = shallow.stdout.trimEnd().split('\n')
    expect(lines.slice(0, 2)).toEqual([`Dumping ${base}.log`, 'Log starting offset: 0'])
    expect(lines.slice(2)).toHaveLength(3)
    expect(lines[2]).toMatch(
      /^baseOffset: 0 lastOffset: 0 count: 1 baseSequence: -?\d+ lastSequence: -?\d+ producerId: -?\d+ producerEpoch: -?\d+ partitionLeaderEpoch: 0 isTransactional: false isControl: false deleteHorizonMs: OptionalLong\.empty position: 0 CreateTime: \d+ size: \d+ magic: 2 compresscodec: none crc: \d+ isvalid: true$/,
    )

    const deep = await run('dump-log', '--files', `${base}.log`, '--print-data-log')
    expect(deep.stdout).toMatch(/^\| offset: 2 CreateTime: \d+ keySize: 2 valueSize: 2 sequence: -?\d+ headerKeys: \[\] key: k3 payload: v3$/m)

    const indexes = await run('dump-log', '--files', `${base}.index,${base}.timeindex`)
    expect(indexes.exitCode, indexes.stderr).toBe(0)
    expect(indexes.stderr).toBe('')
    expect(indexes.stdout).toMatch(/^offset: 2 position: \d+$/m)
    expect(indexes.stdout).toMatch(/^timestamp: \d+ offset: 2$/m)
    await daemon.restart()
  })

  it('names a missing file', async () => {
    const missing = await run('dump-log', '--files', join(daemon.home, 'none', '00000000000000000000.log'))
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toMatch(/Cannot read .*00000000000000000000\.log: no such file/)
  })
})
