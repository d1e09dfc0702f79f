import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {Fetch} from '../../../src/protocol/messages/01-fetch.js'
import {ListOffsets} from '../../../src/protocol/messages/02-list-offsets.js'
import {Metadata} from '../../../src/protocol/messages/03-metadata.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DeleteTopics} from '../../../src/protocol/messages/20-delete-topics.js'
import {DeleteRecords} from '../../../src/protocol/messages/21-delete-records.js'
import {InitProducerId} from '../../../src/protocol/messages/22-init-producer-id.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches} from '../../../src/protocol/records.js'
import {encodeRequest} from '../../../src/protocol/headers.js'
import {openTestBroker, type TestBroker} from './harness.js'

const batchOf = (values: string[], timestamp = 1_700_000_000_000) =>
  encodeRecordBatch({
    records: values.map((value, i) => ({key: null, value: Buffer.from(value), headers: [], timestamp: timestamp + i})),
  })

let t: TestBroker
beforeEach(async () => {
  t = await openTestBroker()
})
afterEach(async () => {
  await t.close()
})

async function createTopic(name: string, partitions = 1, configs: {name: string; value: string}[] = []) {
  const response = await t.call(CreateTopics, 7, {
    topics: [{name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs}],
    timeoutMs: 1000,
  })
  return response.topics[0]
}

async function produce(topic: string, partition: number, records: Buffer, acks = -1, version = 9) {
  const response = await t.call(Produce, version, {
    acks,
    timeoutMs: 1000,
    topicData: [{name: topic, partitionData: [{index: partition, records}]}],
  })
  return response.responses[0].partitionResponses[0]
}

async function fetchValues(topic: string, partition: number, fetchOffset: number, maxWaitMs = 0) {
  const response = await t.call(Fetch, 12, {
    maxWaitMs,
    minBytes: 1,
    maxBytes: 1 << 20,
    isolationLevel: 1,
    sessionEpoch: -1,
    topics: [{topic, partitions: [{partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1}]}],
  })
  const answer = response.responses[0].partitions[0]
  const values: {offset: number; value: string}[] = []
  for (const batch of iterateBatches(answer.records ?? Buffer.alloc(0))) {
    for (const record of decodeRecordBatch(batch).records)
      if (record.offset >= fetchOffset) values.push({offset: record.offset, value: record.value!.toString()})
  }
  return {answer, values}
}

describe('ApiVersions', () => {
  it('advertises the APIs kbus serves with Kafka 4 minimums', async () => {
    const response = await t.call(ApiVersions, 3, {clientSoftwareName: 'kbus-test', clientSoftwareVersion: '1.0'})
    expect(response.errorCode).toBe(0)
    const produce = response.apiKeys.find((key) => key.apiKey === 0)
    expect(produce).toMatchObject({minVersion: 0, maxVersion: 12})
    expect(response.apiKeys.find((key) => key.apiKey === 18)).toMatchObject({minVersion: 0, maxVersion: 4})
  })

  it('answers a version from the future with a v0 UNSUPPORTED_VERSION body', async () => {
    const answer = await t.send({...ApiVersions, maxVersion: 9}, 9, {})
    // size, correlation id, error 35, one api key: 18 0-4
    expect(answer!.subarray(8).toString('hex')).toBe('0023' + '00000001' + '0012' + '0000' + '0004')
  })

  it('refuses an invalid client software name', async () => {
    const response = await t.call(ApiVersions, 3, {clientSoftwareName: '-bad', clientSoftwareVersion: '1'})
    expect(response.errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })
})

describe('topics', () => {
  it("creates, refuses duplicates and replication it can't give, with Kafka's messages", async () => {
    expect(await createTopic('orders', 3)).toMatchObject({errorCode: 0, numPartitions: 3, replicationFactor: 1})
    expect(await createTopic('orders')).toMatchObject({
      errorCode: ErrorCode.TOPIC_ALREADY_EXISTS,
      errorMessage: "Topic 'orders' already exists.",
    })
    const response = await t.call(CreateTopics, 7, {
      topics: [{name: 'replicated', numPartitions: 1, replicationFactor: 3}],
    })
    expect(response.topics[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_REPLICATION_FACTOR,
      errorMessage:
        'Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
    })
    expect(await createTopic('bad name')).toMatchObject({errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION})
    expect(await createTopic('a_b')).toMatchObject({errorCode: 0})
    expect(await createTopic('a.b')).toMatchObject({errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION})
    expect(await createTopic('configured', 1, [{name: 'retention.ms', value: 'soon'}])).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value soon for configuration retention.ms: Not a number of type LONG',
    })
  })

  it('applies broker defaults for -1 partitions and replication (kafkajs sends -1 on v3)', async () => {
    const response = await t.call(CreateTopics, 3, {topics: [{name: 'defaults', numPartitions: -1, replicationFactor: -1}]})
    expect(response.topics[0].errorCode).toBe(0)
    const metadata = await t.call(Metadata, 9, {topics: [{name: 'defaults'}]})
    expect(metadata.topics[0].partitions).toHaveLength(1)
  })

  it('validateOnly creates nothing', async () => {
    await t.call(CreateTopics, 7, {topics: [{name: 'dry', numPartitions: 2, replicationFactor: 1}], validateOnly: true})
    const metadata = await t.call(Metadata, 12, {topics: null})
    expect(metadata.topics.map((topic) => topic.name)).not.toContain('dry')
  })

  it('auto-creates a topic named in Metadata, and only when allowed', async () => {
    const metadata = await t.call(Metadata, 12, {topics: [{name: 'auto', topicId: Buffer.alloc(16)}], allowAutoTopicCreation: true})
    expect(metadata.topics[0]).toMatchObject({errorCode: 0, name: 'auto'})
    expect(metadata.topics[0].partitions[0]).toMatchObject({leaderId: 1, replicaNodes: [1], isrNodes: [1]})
    expect(metadata.brokers).toHaveLength(1)
    expect(metadata.controllerId).toBe(1)
    const refused = await t.call(Metadata, 12, {topics: [{name: 'not-auto', topicId: Buffer.alloc(16)}], allowAutoTopicCreation: false})
    expect(refused.topics[0].errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
  })

  it('deletes topics by name and reports unknown ones', async () => {
    await createTopic('doomed')
    const response = await t.call(DeleteTopics, 4, {topicNames: ['doomed', 'never'], timeoutMs: 1000})
    expect(response.responses.map((r) => [r.name, r.errorCode])).toEqual([
      ['doomed', 0],
      ['never', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION],
    ])
    const metadata = await t.call(Metadata, 12, {topics: null})
    expect(metadata.topics).toEqual([])
  })
})

describe('produce and fetch', () => {
  it('assigns offsets in order and reads them back', async () => {
    await createTopic('events')
    expect(await produce('events', 0, batchOf(['a', 'b', 'c']))).toMatchObject({errorCode: 0, baseOffset: 0})
    expect(await produce('events', 0, batchOf(['d']), 1)).toMatchObject({errorCode: 0, baseOffset: 3})
    const {answer, values} = await fetchValues('events', 0, 1)
    expect(answer).toMatchObject({errorCode: 0, highWatermark: 4, lastStableOffset: 4, logStartOffset: 0})
    expect(values).toEqual([
      {offset: 1, value: 'b'},
      {offset: 2, value: 'c'},
      {offset: 3, value: 'd'},
    ])
  })

  it('sends no answer for acks=0 but still appends', async () => {
    await createTopic('fire')
    const answer = await t.send(Produce, 9, {acks: 0, timeoutMs: 1000, topicData: [{name: 'fire', partitionData: [{index: 0, records: batchOf(['x'])}]}]})
    expect(answer).toBeNull()
    expect((await fetchValues('fire', 0, 0)).values).toEqual([{offset: 0, value: 'x'}])
  })

  it('rejects damaged, oversized and misaddressed batches per partition', async () => {
    await createTopic('strict', 1, [{name: 'max.message.bytes', value: '200'}])
    const corrupt = batchOf(['hello'])
    corrupt[corrupt.length - 2] ^= 0xff
    expect(await produce('strict', 0, corrupt)).toMatchObject({errorCode: ErrorCode.CORRUPT_MESSAGE})
    expect(await produce('strict', 0, batchOf(['x'.repeat(300)]))).toMatchObject({errorCode: ErrorCode.MESSAGE_TOO_LARGE})
    expect(await produce('strict', 7, batchOf(['x']))).toMatchObject({errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION})
    expect(await produce('missing', 0, batchOf(['x']))).toMatchObject({errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION})
    expect(await produce('strict', 0, batchOf(['x']), 2)).toMatchObject({errorCode: ErrorCode.INVALID_REQUIRED_ACKS})
    expect((await fetchValues('strict', 0, 0)).answer.highWatermark).toBe(0)
  })

  it('answers out-of-range fetch offsets with OFFSET_OUT_OF_RANGE at once', async () => {
    await createTopic('short')
    await produce('short', 0, batchOf(['a']))
    const {answer} = await fetchValues('short', 0, 5, 10_000)
    expect(answer.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
  })

  it('parks a fetch at the end of the log until a record arrives', async () => {
    await createTopic('live')
    const waiting = fetchValues('live', 0, 0, 30_000)
    await produce('live', 0, batchOf(['late']))
    expect((await waiting).values).toEqual([{offset: 0, value: 'late'}])
  })

  it('keeps acknowledged records across a restart', async () => {
    await createTopic('kept', 2)
    await produce('kept', 1, batchOf(['one', 'two']))
    await t.restart()
    expect((await fetchValues('kept', 1, 0)).values.map((v) => v.value)).toEqual(['one', 'two'])
    expect(await produce('kept', 1, batchOf(['three']))).toMatchObject({baseOffset: 2})
  })
})

describe('request frame buffers', () => {
  const conn = {id: 7, listener: 'tcp' as const, remoteAddress: '127.0.0.1:50007'}
  /** A request frame (without its size prefix) in memory lent by the broker's frame buffers, as the transport assembles one. */
  const pooledFrame = (request: Buffer) => {
    const frame = t.broker.frameBuffers.take(request.length - 4)
    request.copy(frame, 0, 4)
    return frame
  }

  it('takes a Produce frame back once answered; the stored records stay intact when its memory carries the next request', async () => {
    await createTopic('reuse')
    const value = 'v'.repeat(200_000)
    const request = encodeRequest(Produce, 9, 1, 'test', {acks: 1, timeoutMs: 1000, topicData: [{name: 'reuse', partitionData: [{index: 0, records: batchOf([value])}]}]})
    const frame = pooledFrame(request)
    expect(await t.broker.handle(frame, conn)).not.toBeNull()
    const next = t.broker.frameBuffers.take(frame.length)
    expect(next.buffer).toBe(frame.buffer)
    next.fill(0)
    expect((await fetchValues('reuse', 0, 0)).values).toEqual([{offset: 0, value}])
  })

  it('keeps the frame of any other request, whose decoded fields may still view it', async () => {
    const topics = Array.from({length: 1000}, (_, i) => ({name: `missing-${i}-${'n'.repeat(80)}`, topicId: Buffer.alloc(16)}))
    const frame = pooledFrame(encodeRequest(Metadata, 12, 1, 'test', {topics, allowAutoTopicCreation: false}))
    expect(frame.length).toBeGreaterThan(64 * 1024)
    await t.broker.handle(frame, conn)
    expect(t.broker.frameBuffers.take(frame.length).buffer).not.toBe(frame.buffer)
  })
})

describe('ListOffsets', () => {
  it('finds earliest, latest, max timestamp and by timestamp', async () => {
    await createTopic('times')
    await produce('times', 0, batchOf(['a', 'b'], 1000))
    await produce('times', 0, batchOf(['c', 'd'], 5000))
    const ask = async (timestamp: number) => {
      const response = await t.call(ListOffsets, 7, {replicaId: -1, topics: [{name: 'times', partitions: [{partitionIndex: 0, timestamp}]}]})
      return response.topics[0].partitions[0]
    }
    expect(await ask(-2)).toMatchObject({offset: 0, errorCode: 0})
    expect(await ask(-1)).toMatchObject({offset: 4})
    expect(await ask(-3)).toMatchObject({offset: 3, timestamp: 5001})
    // Two records share the largest timestamp, in the middle of a batch: the first one is the answer.
    await produce('times', 0, encodeRecordBatch({
      records: [9000, 9000, 100].map((timestamp, i) => ({key: null, value: Buffer.from(`t${i}`), headers: [], timestamp})),
    }))
    expect(await ask(-3)).toMatchObject({offset: 4, timestamp: 9000})
    expect(await ask(1001)).toMatchObject({offset: 1, timestamp: 1001})
    expect(await ask(4000)).toMatchObject({offset: 2, timestamp: 5000})
    expect(await ask(9999)).toMatchObject({offset: -1, timestamp: -1})
  })
})

describe('InitProducerId', () => {
  it('hands out distinct producer ids at epoch 0', async () => {
    const first = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
    const second = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
    expect(first).toMatchObject({errorCode: 0, producerEpoch: 0})
    expect(second.producerId).toBeGreaterThan(first.producerId)
  })
})

describe('idempotent producer', () => {
  const idempotentBatch = (values: string[], baseSequence: number, producerEpoch = 0) =>
    encodeRecordBatch({
      producerId: 4242,
      producerEpoch,
      baseSequence,
      records: values.map((value) => ({key: null, value: Buffer.from(value), headers: [], timestamp: 1000})),
    })

  it('answers a retried batch with its first offsets and writes it once', async () => {
    await createTopic('exactly-once')
    expect(await produce('exactly-once', 0, idempotentBatch(['a', 'b'], 0))).toMatchObject({errorCode: 0, baseOffset: 0})
    expect(await produce('exactly-once', 0, idempotentBatch(['c'], 2))).toMatchObject({errorCode: 0, baseOffset: 2})
    expect(await produce('exactly-once', 0, idempotentBatch(['a', 'b'], 0))).toMatchObject({errorCode: 0, baseOffset: 0})
    expect((await fetchValues('exactly-once', 0, 0)).values.map((v) => v.value)).toEqual(['a', 'b', 'c'])
  })

  it('refuses gaps in the sequence and fenced epochs', async () => {
    await createTopic('ordered')
    await produce('ordered', 0, idempotentBatch(['a'], 0, 1))
    expect(await produce('ordered', 0, idempotentBatch(['x'], 5, 1))).toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER})
    expect(await produce('ordered', 0, idempotentBatch(['x'], 1, 0))).toMatchObject({errorCode: ErrorCode.INVALID_PRODUCER_EPOCH})
    expect(await produce('ordered', 0, idempotentBatch(['x'], 3, 2))).toMatchObject({errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER})
    expect(await produce('ordered', 0, idempotentBatch(['b'], 0, 2))).toMatchObject({errorCode: 0, baseOffset: 1})
  })
})

describe('log management', () => {
  it('moves the log start offset with DeleteRecords and refuses reads below it', async () => {
    await createTopic('trimmed')
    await produce('trimmed', 0, batchOf(['a', 'b', 'c', 'd']))
    const response = await t.call(DeleteRecords, 2, {topics: [{name: 'trimmed', partitions: [{partitionIndex: 0, offset: 2}]}], timeoutMs: 1000})
    expect(response.topics[0].partitions[0]).toMatchObject({errorCode: 0, lowWatermark: 2})
    expect((await fetchValues('trimmed', 0, 0)).answer.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    expect((await fetchValues('trimmed', 0, 2)).answer.logStartOffset).toBe(2)
    const beyond = await t.call(DeleteRecords, 2, {topics: [{name: 'trimmed', partitions: [{partitionIndex: 0, offset: 9}]}], timeoutMs: 1000})
    expect(beyond.topics[0].partitions[0].errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE)
    await t.restart()
    expect((await fetchValues('trimmed', 0, 2)).answer.logStartOffset).toBe(2)
  })

  it('refuses keyless records and DeleteRecords on a compacted topic', async () => {
    await createTopic('compacted', 1, [{name: 'cleanup.policy', value: 'compact'}])
    expect(await produce('compacted', 0, batchOf(['no key']))).toMatchObject({errorCode: ErrorCode.INVALID_RECORD})
    const keyed = encodeRecordBatch({records: [{key: Buffer.from('k'), value: Buffer.from('v'), headers: [], timestamp: 1}]})
    expect(await produce('compacted', 0, keyed)).toMatchObject({errorCode: 0})
    const response = await t.call(DeleteRecords, 2, {topics: [{name: 'compacted', partitions: [{partitionIndex: 0, offset: 1}]}], timeoutMs: 1000})
    expect(response.topics[0].partitions[0].errorCode).toBe(ErrorCode.POLICY_VIOLATION)
  })

  it('applies retention.ms on the maintenance schedule', async () => {
    await createTopic('expiring', 1, [{name: 'retention.ms', value: '1000'}])
    await produce('expiring', 0, batchOf(['old'], Date.now() - 60_000))
    await t.broker.maintainLogs()
    const {answer} = await fetchValues('expiring', 0, 1)
    expect(answer).toMatchObject({logStartOffset: 1, highWatermark: 1})
  })
})

describe('topic configs on the produce path', () => {
  it('stores batches in the topic compression.type, records unchanged', async () => {
    await createTopic('zipped', 1, [{name: 'compression.type', value: 'gzip'}])
    expect(await produce('zipped', 0, batchOf(['a', 'b']))).toMatchObject({errorCode: 0, baseOffset: 0})
    const {answer, values} = await fetchValues('zipped', 0, 0)
    const [stored] = [...iterateBatches(answer.records)]
    expect(decodeRecordBatch(stored).compression).toBe(1)
    expect(values).toEqual([{offset: 0, value: 'a'}, {offset: 1, value: 'b'}])
  })

  it('refuses records stamped further in the future than message.timestamp.after.max.ms', async () => {
    await createTopic('clocks', 1, [{name: 'message.timestamp.after.max.ms', value: '60000'}])
    const future = await produce('clocks', 0, batchOf(['late'], Date.now() + 3_600_000))
    expect(future).toMatchObject({errorCode: ErrorCode.INVALID_TIMESTAMP})
    expect(await produce('clocks', 0, batchOf(['now'], Date.now()))).toMatchObject({errorCode: 0})
  })
})
