import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {type DumpOptions, dumpFiles} from '../../../src/cli/log-dump.js'
import {Compression, writeBaseOffset} from '../../../src/protocol/record-batch.js'
import {encodeRecordBatch} from '../../../src/protocol/records.js'

const T0 = 1_700_000_000_000
const SHALLOW: DumpOptions = {deep: false, printData: false, skipMetadata: false, verifyOnly: false}
const DATA: DumpOptions = {...SHALLOW, deep: true, printData: true}

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbus-dump-'))
})
afterEach(() => rmSync(dir, {recursive: true, force: true}))

/** Two batches as the broker stores them: offsets 0-1 (keyed, with a header) and 2 (gzip, idempotent). */
function segmentBytes(): {log: Buffer; first: Buffer; second: Buffer} {
  const first = encodeRecordBatch({
    records: [
      {key: Buffer.from('k1'), value: Buffer.from('hello'), timestamp: T0, headers: [{key: 'trace', value: Buffer.from('x')}]},
      {key: null, value: null, timestamp: T0 + 5},
    ],
  })
  const second = encodeRecordBatch({
    records: [{key: Buffer.from('k2'), value: Buffer.from('world'), timestamp: T0 + 10}],
    compression: Compression.Gzip,
    producerId: 7,
    producerEpoch: 0,
    baseSequence: 4,
  })
  writeBaseOffset(second, 2)
  return {log: Buffer.concat([first, second]), first, second}
}

function indexBytes(entries: Array<[number, number]>): Buffer {
  const bytes = Buffer.alloc(entries.length * 8)
  entries.forEach(([relative, position], i) => {
    bytes.writeInt32BE(relative, i * 8)
    bytes.writeInt32BE(position, i * 8 + 4)
  })
  return bytes
}

function timeIndexBytes(entries: Array<[number, number]>): Buffer {
  const bytes = Buffer.alloc(entries.length * 12)
  entries.forEach(([timestamp, relative], i) => {
    bytes.writeBigInt64BE(BigInt(timestamp), i * 12)
    bytes.writeInt32BE(relative, i * 12 + 8)
  })
  return bytes
}

async function dump(files: string[], opts: DumpOptions) {
  const lines: string[] = []
  const problems: string[] = []
  const sound = await dumpFiles(files.map((file) => join(dir, file)), opts, {line: (l) => lines.push(l), problem: (p) => problems.push(p)})
  return {sound, lines, problems}
}

describe('dump-log', () => {
  it("prints kafka-dump-log's batch lines for a segment", async () => {
    const {log, first} = segmentBytes()
    writeFileSync(join(dir, '00000000000000000000.log'), log)
    const {sound, lines} = await dump(['00000000000000000000.log'], SHALLOW)
    expect(sound).toBe(true)
    expect(lines[0]).toBe(`Dumping ${join(dir, '00000000000000000000.log')}`)
    expect(lines[1]).toBe('Log starting offset: 0')
    expect(lines[2]).toBe(
      `baseOffset: 0 lastOffset: 1 count: 2 baseSequence: -1 lastSequence: -1 producerId: -1 producerEpoch: -1 partitionLeaderEpoch: -1 ` +
        `isTransactional: false isControl: false deleteHorizonMs: OptionalLong.empty position: 0 CreateTime: ${T0 + 5} ` +
        `size: ${first.length} magic: 2 compresscodec: none crc: ${first.readUInt32BE(17)} isvalid: true`,
    )
    expect(lines[3]).toMatch(
      new RegExp(`^baseOffset: 2 lastOffset: 2 count: 1 baseSequence: 4 lastSequence: 4 producerId: 7 producerEpoch: 0 .* position: ${first.length} CreateTime: ${T0 + 10} .* compresscodec: gzip .* isvalid: true$`),
    )
    expect(lines).toHaveLength(4)
  })

  it('prints every record, key and payload with --print-data-log', async () => {
    writeFileSync(join(dir, '00000000000000000000.log'), segmentBytes().log)
    const {lines} = await dump(['00000000000000000000.log'], DATA)
    expect(lines.filter((line) => line.startsWith('|'))).toEqual([
      `| offset: 0 CreateTime: ${T0} keySize: 2 valueSize: 5 sequence: -1 headerKeys: [trace] key: k1 payload: hello`,
      `| offset: 1 CreateTime: ${T0 + 5} keySize: -1 valueSize: -1 sequence: -1 headerKeys: []`,
      `| offset: 2 CreateTime: ${T0 + 10} keySize: 2 valueSize: 5 sequence: 4 headerKeys: [] key: k2 payload: world`,
    ])
  })

  it('reports a damaged batch and a torn tail, and fails', async () => {
    const {log, first} = segmentBytes()
    const damaged = Buffer.concat([log, Buffer.from([1, 2, 3])])
    damaged[first.length - 1] ^= 0xff
    writeFileSync(join(dir, '00000000000000000000.log'), damaged)
    const {sound, lines} = await dump(['00000000000000000000.log'], SHALLOW)
    expect(sound).toBe(false)
    expect(lines[2]).toMatch(/isvalid: false$/)
    expect(lines[3]).toMatch(/isvalid: true$/)
    expect(lines[4]).toBe('Found 3 invalid bytes at the end of 00000000000000000000.log')
  })

  it("takes the zeros a running broker writes ahead of an acks=all log's data for empty space, not damage", async () => {
    const {log} = segmentBytes()
    writeFileSync(join(dir, '00000000000000000000.log'), Buffer.concat([log, Buffer.alloc(3 * 1024 * 1024)]))
    const {sound, lines, problems} = await dump(['00000000000000000000.log'], SHALLOW)
    expect(sound).toBe(true)
    expect(problems).toEqual([])
    expect(lines.slice(2).map((line) => line.match(/^baseOffset: (\d+)/)?.[1])).toEqual(['0', '2'])
  })

  it('lists index entries and checks each against the batch it points at', async () => {
    const {log, first} = segmentBytes()
    writeFileSync(join(dir, '00000000000000000000.log'), log)
    writeFileSync(join(dir, '00000000000000000000.index'), indexBytes([[1, 0], [2, first.length]]))
    writeFileSync(join(dir, '00000000000000000000.timeindex'), timeIndexBytes([[T0 + 5, 1], [T0 + 10, 2]]))
    const good = await dump(['00000000000000000000.index', '00000000000000000000.timeindex'], SHALLOW)
    expect(good.sound).toBe(true)
    expect(good.problems).toEqual([])
    expect(good.lines.filter((line) => !line.startsWith('Dumping'))).toEqual([
      'offset: 1 position: 0',
      `offset: 2 position: ${first.length}`,
      `timestamp: ${T0 + 5} offset: 1`,
      `timestamp: ${T0 + 10} offset: 2`,
    ])

    writeFileSync(join(dir, '00000000000000000000.index'), indexBytes([[1, first.length]]))
    writeFileSync(join(dir, '00000000000000000000.timeindex'), timeIndexBytes([[T0, 1], [T0 - 1, 2]]))
    const bad = await dump(['00000000000000000000.index', '00000000000000000000.timeindex'], {...SHALLOW, verifyOnly: true})
    expect(bad.sound).toBe(false)
    expect(bad.lines.every((line) => line.startsWith('Dumping'))).toBe(true)
    expect(bad.problems).toEqual([
      `Mismatches in :${join(dir, '00000000000000000000.index')}`,
      '  Index offset: 1, log offset: 2',
      `Found timestamp mismatch in :${join(dir, '00000000000000000000.timeindex')}`,
      `  Index timestamp: ${T0 - 1}, log timestamp: ${T0 + 10}`,
      `Found out of order timestamp in :${join(dir, '00000000000000000000.timeindex')}`,
      `  Index timestamp: ${T0 - 1}, Previously indexed timestamp: ${T0}`,
      // The damaged .index sends the lookup for offset 1 past its batch, as it would Kafka's.
      'The following indexed offsets are not found in the log.',
      'Indexed offset: 1, found log offset: 2',
    ])
  })

  it('says so for an empty index and ignores unknown files', async () => {
    writeFileSync(join(dir, '00000000000000000000.log'), segmentBytes().log)
    writeFileSync(join(dir, '00000000000000000000.index'), Buffer.alloc(0))
    writeFileSync(join(dir, 'notes.txt'), 'x')
    const {lines, problems} = await dump(['00000000000000000000.index', 'notes.txt'], SHALLOW)
    expect(lines[1]).toBe(`${join(dir, '00000000000000000000.index')} is empty.`)
    expect(problems).toEqual([`Ignoring unknown file ${join(dir, 'notes.txt')}`])
  })

  it("reads a live Kafka segment's zero-filled, preallocated indexes as unused space, not damage", async () => {
    writeFileSync(join(dir, '00000000000000000000.log'), segmentBytes().log)
    writeFileSync(join(dir, '00000000000000000000.index'), Buffer.alloc(80))
    writeFileSync(join(dir, '00000000000000000000.timeindex'), Buffer.alloc(120))
    const {sound, lines, problems} = await dump(['00000000000000000000.index', '00000000000000000000.timeindex'], SHALLOW)
    expect(sound).toBe(true)
    // Printed as kafka-dump-log prints them, so the output matches Kafka's.
    expect(lines).toContain('offset: 0 position: 0')
    expect(problems.join('\n')).toContain('Index offset: 0, log offset: 1')
  })
})
