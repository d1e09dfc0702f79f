import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ProducerIdAllocator} from '../../../src/broker/producer-ids.js'
import {silentLogger} from '../../../src/daemon/logger.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {Fetch} from '../../../src/protocol/messages/01-fetch.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {InitProducerId} from '../../../src/protocol/messages/22-init-producer-id.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../../../src/protocol/records.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
beforeEach(async () => {
  t = await openTestBroker()
})
afterEach(async () => {
  await t.close()
})

const batch = (producerId: number, baseSequence: number, values: string[]) =>
  encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence,
    records: values.map((value) => ({key: null, value: Buffer.from(value), headers: [], timestamp: Date.now()})),
  })

async function produce(records: Buffer) {
  const response = await t.call(Produce, 9, {acks: -1, timeoutMs: 1000, topicData: [{name: 'orders', partitionData: [{index: 0, records}]}]})
  return response.responses[0].partitionResponses[0]
}

async function values(): Promise<string[]> {
  const response = await t.call(Fetch, 12, {
    maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionEpoch: -1,
    topics: [{topic: 'orders', partitions: [{partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1}]}],
  })
  const records = response.responses[0].partitions[0].records ?? Buffer.alloc(0)
  return [...iterateBatches(records)].flatMap((stored) => decodeRecordBatch(stored).records.map((record) => record.value!.toString()))
}

async function initProducerId(): Promise<number> {
  const answer = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
  expect(answer.errorCode).toBe(0)
  return answer.producerId
}

describe('idempotent producer state across a broker restart', () => {
  beforeEach(async () => {
    await t.call(CreateTopics, 7, {
      topics: [{name: 'orders', numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}],
      timeoutMs: 1000,
    })
  })

  it('answers a retry of any of the last five batches with its original offset, and writes nothing', async () => {
    const producerId = await initProducerId()
    const sent = Array.from({length: 6}, (_, i) => batch(producerId, i * 2, [`v${i}a`, `v${i}b`]))
    const offsets = []
    for (const records of sent) offsets.push((await produce(Buffer.from(records))).baseOffset)
    expect(offsets).toEqual([0, 2, 4, 6, 8, 10])
    await t.restart()

    for (let i = 1; i < 6; i++) expect(await produce(Buffer.from(sent[i]))).toMatchObject({errorCode: 0, baseOffset: offsets[i]})
    // The sixth batch back is no longer remembered, as in Kafka.
    expect(await produce(Buffer.from(sent[0]))).toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER})
    expect(await produce(batch(producerId, 12, ['next']))).toMatchObject({errorCode: 0, baseOffset: 12})
    expect(await values()).toEqual([...Array.from({length: 6}, (_, i) => [`v${i}a`, `v${i}b`]).flat(), 'next'])
  })

  it('never hands out a producer id twice, restart or not', async () => {
    const before = [await initProducerId(), await initProducerId()]
    await t.restart()
    const after = await initProducerId()
    expect(after).toBeGreaterThan(Math.max(...before))
  })

  it('forgets producers idle for producer.id.expiration.ms', async () => {
    await produce(batch(77, 0, ['a']))
    expect(await produce(batch(77, 5, ['gap']))).toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER})
    t.broker.expireProducers(Date.now() + 86_400_000, 86_400_000)
    // An unknown producer may start at any sequence.
    expect(await produce(batch(77, 5, ['after expiry']))).toMatchObject({errorCode: 0, baseOffset: 1})
  })
})

describe('producer id allocator', () => {
  let dataDir: string
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'kbus-producer-ids-'))
  })
  afterEach(async () => {
    await rm(dataDir, {recursive: true, force: true})
  })

  it('starts after the block reserved by the previous run, even when the clock has not moved', async () => {
    const frozenClock = () => 5_000
    const first = await ProducerIdAllocator.open(dataDir, silentLogger, frozenClock)
    expect([await first.next(), await first.next(), await first.next()]).toEqual([5_000, 5_001, 5_002])
    const second = await ProducerIdAllocator.open(dataDir, silentLogger, frozenClock)
    expect(await second.next()).toBe(6_000)
    expect(JSON.parse(await readFile(join(dataDir, 'meta', 'producer-ids.json'), 'utf8'))).toEqual({version: 1, reservedUpTo: 7_000})
  })

  it('gives concurrent callers distinct ids across a block boundary', async () => {
    const allocator = await ProducerIdAllocator.open(dataDir, silentLogger, () => 0)
    const ids = await Promise.all(Array.from({length: 2500}, () => allocator.next()))
    expect(new Set(ids).size).toBe(2500)
  })

  it('starts from the clock, with a warning, when the file is unreadable', async () => {
    const first = await ProducerIdAllocator.open(dataDir, silentLogger, () => 10)
    await first.next()
    await writeFile(join(dataDir, 'meta', 'producer-ids.json'), '{"version":1,"reserved')
    const warnings: string[] = []
    const second = await ProducerIdAllocator.open(dataDir, {...silentLogger, warn: (line) => warnings.push(line)}, () => 99_999)
    expect(await second.next()).toBe(99_999)
    expect(warnings).toEqual([expect.stringMatching(/Ignoring .*producer-ids\.json/)])
  })
})
