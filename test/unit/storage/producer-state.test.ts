import {readdir, readFile, truncate, unlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {writeCrc} from '../../../src/protocol/record-batch.js'
import {type LogConfig, PartitionLog} from '../../../src/storage/log.js'
import {
  SnapshotFormatError,
  decodeProducerSnapshot,
  encodeProducerSnapshot,
  snapshotFileName,
} from '../../../src/storage/producer-snapshot.js'
import {type ProducerEntry, ProducerStateTable} from '../../../src/storage/producer-state-table.js'
import {type CountingFs, countingFs, makeBatch, makeTempDir, type RecordingLogger, recordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
const opened: PartitionLog[] = []
const dir = () => join(temp.path, 't-0')

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(async () => {
  await Promise.allSettled(opened.splice(0).map((log) => log.close()))
  await temp.remove()
})

async function openLog(options: {hadCleanShutdown?: boolean; config?: Partial<LogConfig>; logger?: RecordingLogger; fs?: CountingFs} = {}) {
  const log = await PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: dir(),
    config: options.config,
    logger: options.logger ?? recordingLogger(),
    hadCleanShutdown: options.hadCleanShutdown,
    fs: options.fs,
  })
  opened.push(log)
  return log
}

/** Closes the log cleanly, as a stop does: the next open may trust what it left. */
async function stop(log: PartitionLog) {
  opened.splice(opened.indexOf(log), 1)
  await log.close()
}

/** Drops the log without closing it: what a kill -9 leaves (every append was written). */
function crash(log: PartitionLog) {
  opened.splice(opened.indexOf(log), 1)
}

function idempotentBatch(producerId: number, baseSequence: number, records = 1, options: {epoch?: number; timestamp?: number} = {}) {
  const batch = makeBatch({records, maxTimestamp: options.timestamp, baseTimestamp: options.timestamp})
  batch.writeBigInt64BE(BigInt(producerId), 43)
  batch.writeInt16BE(options.epoch ?? 0, 51)
  batch.writeInt32BE(baseSequence, 53)
  writeCrc(batch)
  return batch
}

/** Appends `count` batches of two records for each producer, interleaved; sequences continue from `firstSeq`. */
async function appendRounds(log: PartitionLog, producers: number[], count: number, firstSeq = 0) {
  for (let round = 0; round < count; round++)
    for (const producerId of producers) await log.append(idempotentBatch(producerId, firstSeq + round * 2, 2), {durable: false})
}

/** A copy of the state as it stands (the table's entries change with later appends). */
const stateOf = (table: ProducerStateTable) => structuredClone(table.entries().sort((a, b) => a.producerId - b.producerId))
const snapshotFiles = async () => (await readdir(dir())).filter((name) => name.endsWith('.snapshot')).sort()

describe('producer snapshot file', () => {
  const entries: ProducerEntry[] = [
    {
      producerId: 2 ** 52 + 3,
      epoch: 7,
      lastTimestamp: 1_700_000_000_123,
      batches: [{firstSeq: 0, lastSeq: 4, firstOffset: 10, lastOffset: 14}],
      currentTxnFirstOffset: null,
    },
    {
      producerId: 12,
      epoch: 0,
      lastTimestamp: 5,
      batches: [
        {firstSeq: 2_147_483_646, lastSeq: 1, firstOffset: 2 ** 40, lastOffset: 2 ** 40 + 3},
        {firstSeq: 2, lastSeq: 2, firstOffset: 2 ** 40 + 4, lastOffset: 2 ** 40 + 4},
      ],
      currentTxnFirstOffset: 2 ** 40 + 4,
    },
    // Moved to a new epoch by a marker: no batch in it yet.
    {producerId: 13, epoch: 3, lastTimestamp: 6, batches: [], currentTxnFirstOffset: null},
  ]
  const aborted = [
    {producerId: 13, firstOffset: 2 ** 40 - 9, lastOffset: 2 ** 40 - 1, lastStableOffset: 2 ** 40},
    {producerId: 2 ** 52 + 3, firstOffset: 3, lastOffset: 2 ** 40 + 5, lastStableOffset: 2 ** 40 + 4},
  ]

  it('reads back what it wrote, int64 producer ids and offsets exactly', () => {
    expect(decodeProducerSnapshot(encodeProducerSnapshot(99, {entries, aborted}), 99)).toEqual({entries, aborted})
    expect(decodeProducerSnapshot(encodeProducerSnapshot(0, {entries: [], aborted: []}), 0)).toEqual({entries: [], aborted: []})
    expect(snapshotFileName(99)).toBe('00000000000000000099.snapshot')
  })

  it('refuses a flipped byte, a short file, and a file renamed to another offset', () => {
    const bytes = encodeProducerSnapshot(99, {entries, aborted})
    for (let at = 0; at < bytes.length; at++) {
      const damaged = Buffer.from(bytes)
      damaged[at] ^= 0x10
      expect(() => decodeProducerSnapshot(damaged, 99), `byte ${at}`).toThrow(SnapshotFormatError)
    }
    expect(() => decodeProducerSnapshot(bytes.subarray(0, bytes.length - 1), 99)).toThrow(SnapshotFormatError)
    expect(() => decodeProducerSnapshot(Buffer.alloc(0), 99)).toThrow(SnapshotFormatError)
    expect(() => decodeProducerSnapshot(bytes, 100)).toThrow(/not the 100 of its name/)
  })
})

describe('producer state table', () => {
  it('keeps the last five batches per producer and starts over on a new epoch', () => {
    const table = new ProducerStateTable()
    for (let seq = 0; seq < 7; seq++)
      table.record({producerId: 1, producerEpoch: 0, baseSequence: seq, lastOffsetDelta: 0, maxTimestamp: 10, attributes: 0}, 100 + seq)
    expect(table.get(1)!.batches.map((batch) => batch.firstSeq)).toEqual([2, 3, 4, 5, 6])
    table.record({producerId: 1, producerEpoch: 1, baseSequence: 0, lastOffsetDelta: 2, maxTimestamp: 11, attributes: 0}, 200)
    expect(table.get(1)).toEqual({
      producerId: 1,
      epoch: 1,
      lastTimestamp: 11,
      batches: [{firstSeq: 0, lastSeq: 2, firstOffset: 200, lastOffset: 202}],
      currentTxnFirstOffset: null,
    })
  })

  it('forgets producers idle for producer.id.expiration.ms and keeps the others', () => {
    const table = new ProducerStateTable()
    table.record({producerId: 1, producerEpoch: 0, baseSequence: 0, lastOffsetDelta: 0, maxTimestamp: 1_000, attributes: 0}, 0)
    table.record({producerId: 2, producerEpoch: 0, baseSequence: 0, lastOffsetDelta: 0, maxTimestamp: 5_000, attributes: 0}, 1)
    expect(table.removeExpired(6_000, 5_000)).toBe(1)
    expect(table.get(1)).toBeUndefined()
    expect(table.get(2)).toBeDefined()
  })
})

describe('producer state across a restart', () => {
  it('is written at a clean stop and read back from that one snapshot, without reading the log', async () => {
    const log = await openLog()
    await appendRounds(log, [7, 8], 6)
    const live = stateOf(await log.producerState())
    expect(live.map((entry) => entry.batches.length)).toEqual([5, 5])
    await stop(log)
    expect(await snapshotFiles()).toEqual([snapshotFileName(24)])

    const fs = countingFs()
    const reopened = await openLog({hadCleanShutdown: true, fs})
    expect(reopened.loadedProducerState).toBeNull()
    const readBeforeLoad = fs.logBytesRead
    expect(stateOf(await reopened.producerState())).toEqual(live)
    expect(fs.logBytesRead).toBe(readBeforeLoad)
  })

  it('is rebuilt after a crash from the snapshot of the last roll and the batches after it', async () => {
    const log = await openLog({config: {segmentBytes: 1000}})
    await appendRounds(log, [1, 2, 3], 12)
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(2)
    const live = stateOf(await log.producerState())
    const rolls = await snapshotFiles()
    expect(rolls.length).toBeGreaterThan(1)
    crash(log)

    const logger = recordingLogger()
    const reopened = await openLog({config: {segmentBytes: 1000}, logger})
    expect(stateOf(await reopened.producerState())).toEqual(live)
    expect(logger.warnings).toEqual([])
  })

  it('is rebuilt from the whole log after a crash that left no snapshot', async () => {
    const log = await openLog()
    await appendRounds(log, [4], 3)
    await log.append(makeBatch({records: 3}), {durable: false})
    await appendRounds(log, [4], 3, 6)
    const live = stateOf(await log.producerState())
    crash(log)
    expect(await snapshotFiles()).toEqual([])

    const reopened = await openLog()
    expect(stateOf(await reopened.producerState())).toEqual(live)
    expect(live[0].batches.map((batch) => batch.firstOffset)).toEqual([2, 4, 9, 11, 13])
  })

  it('ignores a damaged snapshot with a warning and rebuilds the state from the log', async () => {
    const log = await openLog()
    await appendRounds(log, [5, 6], 4)
    const live = stateOf(await log.producerState())
    await stop(log)
    const [snapshot] = await snapshotFiles()
    const bytes = await readFile(join(dir(), snapshot))
    bytes[bytes.length - 3] ^= 0xff
    await writeFile(join(dir(), snapshot), bytes)

    const logger = recordingLogger()
    const reopened = await openLog({hadCleanShutdown: true, logger})
    expect(stateOf(await reopened.producerState())).toEqual(live)
    expect(logger.warnings).toEqual([expect.stringMatching(/Ignoring the damaged producer snapshot .*00000000000000000016\.snapshot.*CRC-32C/)])
    await stop(reopened)
    expect(await snapshotFiles()).toEqual([snapshotFileName(16)])
    expect(decodeProducerSnapshot(await readFile(join(dir(), snapshotFileName(16))), 16)).toEqual({entries: live, aborted: []})
  })

  it('drops state past a torn tail: a snapshot beyond the recovered end is deleted', async () => {
    const log = await openLog()
    await appendRounds(log, [9], 3)
    const kept = stateOf(await log.producerState())
    await log.append(idempotentBatch(9, 6, 2), {durable: false})
    await stop(log)
    expect(await snapshotFiles()).toEqual([snapshotFileName(8)])
    // The last batch is torn, and the start finds no clean-shutdown marker.
    const segment = join(dir(), '00000000000000000000.log')
    const size = (await readFile(segment)).length
    await truncate(segment, size - 5)

    const logger = recordingLogger()
    const reopened = await openLog({logger})
    expect(reopened.logEndOffset).toBe(6)
    expect(stateOf(await reopened.producerState())).toEqual(kept)
    expect(logger.warnings).toEqual(
      expect.arrayContaining([expect.stringMatching(/Deleting the producer snapshot .*00000000000000000008\.snapshot.*past the end of the log \(offset 6\)/)]),
    )
    expect(await snapshotFiles()).toEqual([])
  })

  it('takes a log stopped cleanly before kbus kept snapshots as having no producers, without reading it', async () => {
    const log = await openLog()
    await appendRounds(log, [3], 2)
    await stop(log)
    for (const name of await snapshotFiles()) await unlink(join(dir(), name))

    const fs = countingFs()
    const reopened = await openLog({hadCleanShutdown: true, fs})
    const readBeforeLoad = fs.logBytesRead
    expect((await reopened.producerState()).size).toBe(0)
    expect(fs.logBytesRead).toBe(readBeforeLoad)
  })

  it('applies appends made while the state loads, in order', async () => {
    const log = await openLog()
    await appendRounds(log, [1], 3)
    await stop(log)
    const reopened = await openLog({hadCleanShutdown: true})
    const loading = reopened.producerState()
    const appended = reopened.append(idempotentBatch(1, 6, 2), {durable: false})
    const table = await loading
    await appended
    expect(table.get(1)!.batches.map((batch) => [batch.firstSeq, batch.firstOffset])).toEqual([
      [0, 0],
      [2, 2],
      [4, 4],
      [6, 6],
    ])
  })

  it('deletes the snapshots of segments that retention removed', async () => {
    const config = {segmentBytes: 500}
    const log = await openLog({config})
    await appendRounds(log, [1], 30)
    const before = await snapshotFiles()
    const bases = log.segmentBaseOffsets
    await log.deleteRecordsBefore(bases[bases.length - 1])
    const firstKept = log.segmentBaseOffsets[0]
    const after = await snapshotFiles()
    expect(after.length).toBeGreaterThan(0)
    expect(after.length).toBeLessThan(before.length)
    expect(after).toEqual(before.filter((name) => Number(name.slice(0, 20)) >= firstKept))
  })

  it('keeps only the snapshots a crash could still need: from the newest one below the flushed offset on', async () => {
    const log = await openLog({config: {segmentBytes: 500}})
    await appendRounds(log, [1], 30)
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(5)
    expect((await snapshotFiles()).length).toBeLessThanOrEqual(2)
    await stop(log)
    expect(await snapshotFiles()).toEqual([snapshotFileName(60)])
  })
})
