import {readdir, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {checkSequence} from '../../../src/broker/producer-state.js'
import {crc32c} from '../../../src/protocol/crc32c.js'
import {type EndTxnMarkerKind, encodeEndTxnMarker, readEndTxnMarker} from '../../../src/protocol/end-txn-marker.js'
import {ATTR_TRANSACTIONAL, readBaseOffset, writeCrc} from '../../../src/protocol/record-batch.js'
import {encodeRecordBatch} from '../../../src/protocol/records.js'
import {type LogConfig, PartitionLog} from '../../../src/storage/log.js'
import {decodeProducerSnapshot, encodeProducerSnapshot, snapshotFileName} from '../../../src/storage/producer-snapshot.js'
import {type IdempotentBatchFields, ProducerStateTable} from '../../../src/storage/producer-state-table.js'
import {makeBatch, makeTempDir, readRecords, recordingLogger} from './helpers.js'

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

async function openLog(options: {hadCleanShutdown?: boolean; config?: Partial<LogConfig>; logStartOffset?: number; now?: () => number} = {}) {
  const log = await PartitionLog.open({
    topic: 't',
    partition: 0,
    dir: dir(),
    config: options.config,
    logger: recordingLogger(),
    hadCleanShutdown: options.hadCleanShutdown,
    logStartOffset: options.logStartOffset,
    now: options.now,
  })
  opened.push(log)
  return log
}

async function stop(log: PartitionLog) {
  opened.splice(opened.indexOf(log), 1)
  await log.close()
}

/** Drops the log without closing it: what a kill -9 leaves (every append was written). */
function crash(log: PartitionLog) {
  opened.splice(opened.indexOf(log), 1)
}

/** A data batch of `records` records from the producer, transactional unless told otherwise. */
function txnBatch(producerId: number, baseSequence: number, records = 1, options: {epoch?: number; transactional?: boolean} = {}) {
  const batch = makeBatch({records})
  batch.writeInt16BE(options.transactional === false ? 0 : ATTR_TRANSACTIONAL, 21)
  batch.writeBigInt64BE(BigInt(producerId), 43)
  batch.writeInt16BE(options.epoch ?? 0, 51)
  batch.writeInt32BE(baseSequence, 53)
  writeCrc(batch)
  return batch
}

function marker(producerId: number, kind: EndTxnMarkerKind, epoch = 0) {
  return encodeEndTxnMarker({producerId, producerEpoch: epoch, kind, coordinatorEpoch: 0, timestamp: 1_700_000_000_000})
}

const data = (producerId: number, options: {epoch?: number; transactional?: boolean; records?: number; seq?: number} = {}): IdempotentBatchFields => ({
  producerId,
  producerEpoch: options.epoch ?? 0,
  baseSequence: options.seq ?? 0,
  lastOffsetDelta: (options.records ?? 1) - 1,
  maxTimestamp: 100,
  attributes: options.transactional === false ? 0 : ATTR_TRANSACTIONAL,
})
const markerOf = (producerId: number, epoch = 0) => ({producerId, producerEpoch: epoch, maxTimestamp: 200})

/** What a read_committed reader and the coordinator see of the table, to compare across restarts. */
function transactionsOf(table: ProducerStateTable, end: number) {
  return {
    firstUnstableOffset: table.firstUnstableOffset(),
    open: table.openTransactions(),
    aborted: table.abortedTransactions(0, end),
    entries: structuredClone(table.entries().sort((a, b) => a.producerId - b.producerId)),
  }
}

describe('transactions in the producer state table', () => {
  it('opens a transaction at its first transactional batch and ends it at a commit, remembering no abort', () => {
    const table = new ProducerStateTable()
    table.record(data(1, {transactional: false}), 0)
    expect(table.firstUnstableOffset()).toBeNull()
    table.record(data(1, {records: 2, seq: 1}), 1)
    table.record(data(1, {seq: 3}), 3)
    expect(table.firstUnstableOffset()).toBe(1)
    expect(table.get(1)!.currentTxnFirstOffset).toBe(1)
    expect(table.openTransactions()).toEqual([{producerId: 1, firstOffset: 1}])

    table.recordMarker(markerOf(1), 4, 'commit')
    expect(table.firstUnstableOffset()).toBeNull()
    expect(table.openTransactions()).toEqual([])
    expect(table.get(1)!.currentTxnFirstOffset).toBeNull()
    expect(table.abortedTransactions(0, 100)).toEqual([])
    // The marker is no batch of the producer's sequence history.
    expect(table.get(1)!.batches.map((batch) => batch.firstOffset)).toEqual([0, 1, 3])
    expect(table.get(1)!.lastTimestamp).toBe(200)
  })

  it('moves the first unstable offset as interleaved transactions end, and lists each abort once', () => {
    const table = new ProducerStateTable()
    table.record(data(1), 10)
    table.record(data(2), 11)
    table.record(data(1, {seq: 1}), 12)
    table.record(data(3), 13)
    expect(table.firstUnstableOffset()).toBe(10)
    table.recordMarker(markerOf(1), 14, 'commit')
    expect(table.firstUnstableOffset()).toBe(11)
    table.recordMarker(markerOf(3), 15, 'abort')
    expect(table.firstUnstableOffset()).toBe(11)
    table.recordMarker(markerOf(2), 16, 'abort')
    expect(table.firstUnstableOffset()).toBeNull()
    // A second marker for an ended transaction changes nothing.
    table.recordMarker(markerOf(2), 17, 'abort')
    table.record(data(1, {seq: 2}), 18)
    expect(table.firstUnstableOffset()).toBe(18)
    expect(table.openTransactions()).toEqual([{producerId: 1, firstOffset: 18}])
    expect(table.abortedTransactions(0, 100)).toEqual([
      {producerId: 2, firstOffset: 11},
      {producerId: 3, firstOffset: 13},
    ])
  })

  it('lists the aborted transactions overlapping a fetched range, edges included, by first offset', () => {
    const table = new ProducerStateTable()
    table.record(data(1), 5) // 5..30, aborted at 30
    table.record(data(2), 10) // 10..20, aborted at 20
    table.recordMarker(markerOf(2), 20, 'abort')
    table.record(data(3), 25) // 25..26, committed
    table.recordMarker(markerOf(3), 26, 'commit')
    table.recordMarker(markerOf(1), 30, 'abort')
    table.record(data(4), 40) // 40..41, aborted
    table.recordMarker(markerOf(4), 41, 'abort')

    const pids = (from: number, upTo: number) => table.abortedTransactions(from, upTo).map((txn) => txn.producerId)
    expect(table.abortedTransactions(0, 15)).toEqual([
      {producerId: 1, firstOffset: 5},
      {producerId: 2, firstOffset: 10},
    ])
    expect(pids(0, 5)).toEqual([])
    expect(pids(0, 6)).toEqual([1])
    expect(pids(20, 21)).toEqual([1, 2])
    expect(pids(21, 40)).toEqual([1])
    expect(pids(31, 40)).toEqual([])
    expect(pids(31, 41)).toEqual([4])
    expect(pids(41, 42)).toEqual([4])
    expect(pids(42, 100)).toEqual([])
    expect(pids(0, 100)).toEqual([1, 2, 4])
    expect(table.isAborted(2, 10)).toBe(true)
    expect(table.isAborted(1, 10)).toBe(true)
    expect(table.isAborted(3, 25)).toBe(false)
    expect(table.isAborted(4, 39)).toBe(false)
  })

  it('moves a producer to a newer epoch by a marker, forgetting its batches; an unknown producer leaves no abort', () => {
    const table = new ProducerStateTable()
    table.record(data(1, {epoch: 3}), 0)
    table.record(data(1, {epoch: 3, seq: 1}), 1)
    table.recordMarker(markerOf(1, 4), 2, 'abort')
    expect(table.get(1)).toEqual({producerId: 1, epoch: 4, lastTimestamp: 200, batches: [], currentTxnFirstOffset: null})
    expect(table.abortedTransactions(0, 10)).toEqual([{producerId: 1, firstOffset: 0}])
    expect(table.lastOffsets().has(1)).toBe(false)

    table.recordMarker(markerOf(9, 2), 3, 'abort')
    expect(table.get(9)).toEqual({producerId: 9, epoch: 2, lastTimestamp: 200, batches: [], currentTxnFirstOffset: null})
    expect(table.abortedTransactions(0, 10)).toEqual([{producerId: 1, firstOffset: 0}])
  })

  it('keeps a transaction open across a data batch of a new epoch', () => {
    const table = new ProducerStateTable()
    table.record(data(1, {epoch: 0}), 0)
    table.record(data(1, {epoch: 1}), 1)
    expect(table.get(1)!.currentTxnFirstOffset).toBe(0)
    expect(table.firstUnstableOffset()).toBe(0)
  })

  it('never expires a producer with a transaction open', () => {
    const table = new ProducerStateTable()
    table.record(data(1), 0)
    table.record(data(2, {transactional: false}), 1)
    expect(table.removeExpired(1_000_000, 1000)).toBe(1)
    expect(table.get(1)).toBeDefined()
    expect(table.get(2)).toBeUndefined()
    table.recordMarker(markerOf(1), 2, 'commit')
    expect(table.removeExpired(1_000_000, 1000)).toBe(1)
    expect(table.size).toBe(0)
  })

  it('forgets aborted transactions that ended below an offset', () => {
    const table = new ProducerStateTable()
    for (const [producerId, first] of [[1, 0], [2, 10], [3, 20]]) {
      table.record(data(producerId), first)
      table.recordMarker(markerOf(producerId), first + 5, 'abort')
    }
    table.forgetAbortedBefore(15)
    expect(table.abortedTransactions(0, 100).map((txn) => txn.producerId)).toEqual([2, 3])
    table.forgetAbortedBefore(16)
    expect(table.abortedTransactions(0, 100).map((txn) => txn.producerId)).toEqual([3])
  })
})

/** A snapshot file as kbus wrote it before transactions (format version 1). */
function versionOneSnapshot(offset: number, producerId: number, batches: Array<[firstSeq: number, lastSeq: number, firstOffset: number, delta: number]>) {
  const buf = Buffer.alloc(18 + 19 + batches.length * 20)
  buf.writeInt16BE(1, 0)
  buf.writeBigInt64BE(BigInt(offset), 6)
  buf.writeInt32BE(1, 14)
  buf.writeBigInt64BE(BigInt(producerId), 18)
  buf.writeInt16BE(2, 26)
  buf.writeBigInt64BE(1_700_000_000_000n, 28)
  buf.writeInt8(batches.length, 36)
  batches.forEach(([firstSeq, lastSeq, firstOffset, delta], i) => {
    const at = 37 + i * 20
    buf.writeInt32BE(firstSeq, at)
    buf.writeInt32BE(lastSeq, at + 4)
    buf.writeBigInt64BE(BigInt(firstOffset), at + 8)
    buf.writeInt32BE(delta, at + 16)
  })
  buf.writeUInt32BE(crc32c(buf, 6, buf.length), 2)
  return buf
}

describe('producer snapshot formats', () => {
  it('reads a snapshot written before transactions as a partition without any', () => {
    expect(decodeProducerSnapshot(versionOneSnapshot(7, 42, [[0, 1, 3, 1]]), 7)).toEqual({
      entries: [{producerId: 42, epoch: 2, lastTimestamp: 1_700_000_000_000, batches: [{firstSeq: 0, lastSeq: 1, firstOffset: 3, lastOffset: 4}], currentTxnFirstOffset: null}],
      aborted: [],
    })
  })

  it('writes the current format, which round-trips open and aborted transactions', () => {
    const table = new ProducerStateTable()
    table.record(data(1), 0)
    table.recordMarker(markerOf(1, 1), 1, 'abort')
    table.record(data(2), 2)
    const bytes = encodeProducerSnapshot(3, table.contents())
    expect(bytes.readInt16BE(0)).toBe(2)
    const restored = ProducerStateTable.of(decodeProducerSnapshot(bytes, 3))
    expect(transactionsOf(restored, 3)).toEqual(transactionsOf(table, 3))
    expect(restored.firstUnstableOffset()).toBe(2)
  })

  it('opens a log whose clean stop left a snapshot of the old format', async () => {
    const log = await openLog()
    await log.append(txnBatch(42, 0, 2, {transactional: false}), {durable: false})
    await stop(log)
    const [name] = (await readdir(dir())).filter((file) => file.endsWith('.snapshot'))
    expect(name).toBe(snapshotFileName(2))
    await writeFile(join(dir(), name), versionOneSnapshot(2, 42, [[0, 1, 0, 1]]))

    const reopened = await openLog({hadCleanShutdown: true})
    const table = await reopened.producerState()
    expect(table.get(42)!.batches).toEqual([{firstSeq: 0, lastSeq: 1, firstOffset: 0, lastOffset: 1}])
    expect(table.firstUnstableOffset()).toBeNull()
  })
})

describe('transactions in a partition log, across restarts', () => {
  /** Producer 1 aborts [0, 3], producer 2 commits [1, 4], producer 3 leaves [5, ...) open. */
  async function writeTransactions(log: PartitionLog) {
    await log.append(txnBatch(1, 0, 2), {durable: false}) // 0-1
    await log.append(txnBatch(2, 0), {durable: false}) // 2
    await log.append(marker(1, 'abort'), {durable: true}) // 3
    await log.append(marker(2, 'commit'), {durable: true}) // 4
    await log.append(txnBatch(3, 0), {durable: false}) // 5
    await log.append(txnBatch(4, 0, 1, {transactional: false}), {durable: false}) // 6
  }

  it('tracks the markers appended through the log', async () => {
    const log = await openLog()
    await writeTransactions(log)
    const table = await log.producerState()
    expect(table.abortedTransactions(0, log.logEndOffset)).toEqual([{producerId: 1, firstOffset: 0}])
    expect(table.openTransactions()).toEqual([{producerId: 3, firstOffset: 5}])
    expect(table.firstUnstableOffset()).toBe(5)
  })

  it('comes back the same after a clean stop, from the snapshot', async () => {
    const log = await openLog()
    await writeTransactions(log)
    const live = transactionsOf(await log.producerState(), 7)
    await stop(log)
    const reopened = await openLog({hadCleanShutdown: true})
    expect(transactionsOf(await reopened.producerState(), 7)).toEqual(live)
    expect(live.firstUnstableOffset).toBe(5)
  })

  it('is rebuilt after a crash from the markers stored after the last snapshot, each with its kind', async () => {
    const log = await openLog({config: {segmentBytes: 400}})
    for (let seq = 0; seq < 6; seq++) await log.append(txnBatch(9, seq, 1, {transactional: false}), {durable: false})
    expect(log.segmentBaseOffsets.length).toBeGreaterThan(1)
    log.updateConfig({segmentBytes: 1 << 20})
    const tailFrom = log.logEndOffset
    await writeTransactions(log)
    const live = transactionsOf(await log.producerState(), log.logEndOffset)
    const snapshots = (await readdir(dir())).filter((file) => file.endsWith('.snapshot')).map((file) => Number(file.slice(0, 20)))
    // The markers lie past every snapshot: only the scan can bring them back.
    expect(Math.max(...snapshots)).toBeLessThanOrEqual(tailFrom)
    crash(log)

    const reopened = await openLog()
    const table = await reopened.producerState()
    expect(transactionsOf(table, reopened.logEndOffset)).toEqual(live)
    expect(table.abortedTransactions(0, reopened.logEndOffset)).toEqual([{producerId: 1, firstOffset: tailFrom}])
  })

  it('is rebuilt after a crash that left no snapshot; a transaction open at the crash still pins the LSO', async () => {
    const log = await openLog()
    await writeTransactions(log)
    const live = transactionsOf(await log.producerState(), 7)
    crash(log)
    expect((await readdir(dir())).filter((file) => file.endsWith('.snapshot'))).toEqual([])

    const reopened = await openLog()
    const table = await reopened.producerState()
    expect(transactionsOf(table, 7)).toEqual(live)
    expect(table.firstUnstableOffset()).toBe(5)
    await reopened.append(marker(3, 'commit'), {durable: true})
    expect(table.firstUnstableOffset()).toBeNull()
  })

  it('applies markers appended while the state loads, in order', async () => {
    const log = await openLog()
    await log.append(txnBatch(1, 0), {durable: false})
    await stop(log)
    const reopened = await openLog({hadCleanShutdown: true})
    const loading = reopened.producerState()
    const appended = reopened.append(marker(1, 'abort'), {durable: true})
    const table = await loading
    await appended
    expect(table.firstUnstableOffset()).toBeNull()
    expect(table.abortedTransactions(0, 2)).toEqual([{producerId: 1, firstOffset: 0}])
  })

  it('forgets an aborted transaction once retention deleted the segments below it, also after a restart', async () => {
    const log = await openLog({config: {segmentBytes: 400}})
    await log.append(txnBatch(1, 0), {durable: false})
    await log.append(marker(1, 'abort'), {durable: true})
    for (let seq = 0; seq < 10; seq++) await log.append(txnBatch(9, seq, 1, {transactional: false}), {durable: false})
    const lateAbort = log.logEndOffset
    await log.append(txnBatch(2, 0), {durable: false})
    await log.append(marker(2, 'abort'), {durable: true})
    const bases = log.segmentBaseOffsets
    expect(bases.length).toBeGreaterThan(2)
    expect((await log.producerState()).abortedTransactions(0, log.logEndOffset).map((txn) => txn.producerId)).toEqual([1, 2])

    await log.deleteRecordsBefore(bases[1])
    expect(log.logStartOffset).toBeGreaterThan(1)
    expect((await log.producerState()).abortedTransactions(0, log.logEndOffset)).toEqual([{producerId: 2, firstOffset: lateAbort}])
    const start = log.logStartOffset
    crash(log)

    const reopened = await openLog({logStartOffset: start})
    expect((await reopened.producerState()).abortedTransactions(0, reopened.logEndOffset)).toEqual([{producerId: 2, firstOffset: lateAbort}])
  })
})

describe('compaction and transactions', () => {
  const keyed = (key: string, value: string, producer?: {id: number; seq: number; transactional: boolean}) =>
    encodeRecordBatch({
      records: [{key: Buffer.from(key), value: Buffer.from(value), timestamp: 1_700_000_000_000}],
      ...(producer && {
        producerId: producer.id,
        producerEpoch: 0,
        baseSequence: producer.seq,
        attributes: producer.transactional ? ATTR_TRANSACTIONAL : 0,
      }),
    })
  const policy = {deleteRetentionMs: 1000, minCompactionLagMs: 0, maxCompactionLagMs: Number.MAX_SAFE_INTEGER, minCleanableDirtyRatio: 0}

  /** Appends each group as its own segment: the clock passes segment.ms before each group's first append. */
  async function compactedLog(groups: Buffer[][]) {
    const clock = {now: 1_700_000_000_000}
    const log = await openLog({config: {segmentMs: 1000, indexIntervalBytes: 64}, now: () => clock.now})
    for (const group of groups) {
      for (const batch of group) await log.append(batch, {durable: false})
      clock.now += 2000
    }
    await log.flush()
    await log.compact(policy, clock.now)
    return log
  }

  /** The values a reader sees, markers left out. */
  async function values(log: PartitionLog) {
    return (await readRecords(log)).filter((record) => record.key === 'k' || record.key === 'tail').map((record) => record.value)
  }

  async function storedBatches(log: PartitionLog) {
    const {batches} = await log.read(log.logStartOffset, 1 << 30)
    return batches.map((batch) => ({offset: readBaseOffset(batch), marker: readEndTxnMarker(batch)}))
  }

  it('keeps a transaction marker and its transaction batch offsets when the records are superseded', async () => {
    const log = await compactedLog([
      [keyed('k', 'in-txn', {id: 1, seq: 0, transactional: true}), marker(1, 'commit')],
      [keyed('k', 'later')],
      [keyed('tail', 't')],
    ])
    expect(await storedBatches(log)).toEqual([
      {offset: 0, marker: null},
      {offset: 1, marker: 'commit'},
      {offset: 2, marker: null},
      {offset: 3, marker: null},
    ])
    expect(await values(log)).toEqual(['later', 't'])
  })

  it('lets no aborted record supersede a committed one', async () => {
    const log = await compactedLog([
      [keyed('k', 'committed')],
      [keyed('k', 'aborted', {id: 1, seq: 0, transactional: true}), marker(1, 'abort')],
      [keyed('tail', 't')],
    ])
    expect(await values(log)).toEqual(['committed', 'aborted', 't'])
  })

  it('does not compact from the first transaction still open', async () => {
    const log = await compactedLog([
      [keyed('k', 'first')],
      [keyed('k', 'open', {id: 1, seq: 0, transactional: true})],
      [keyed('k', 'after')],
      [keyed('tail', 't')],
    ])
    expect(await values(log)).toEqual(['first', 'open', 'after', 't'])
  })
})

describe('the sequence check of a producer a marker left without batches', () => {
  it('expects its first batch in that epoch at sequence 0', () => {
    const table = new ProducerStateTable()
    table.recordMarker(markerOf(5, 1), 0, 'abort')
    expect(checkSequence(table.get(5), {producerId: 5, producerEpoch: 1, baseSequence: 0, lastOffsetDelta: 0})).toEqual({kind: 'append'})
    expect(checkSequence(table.get(5), {producerId: 5, producerEpoch: 1, baseSequence: 3, lastOffsetDelta: 0})).toMatchObject({
      kind: 'error',
      message: expect.stringMatching(/expected 0, received 3/),
    })
  })
})
