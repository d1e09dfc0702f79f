/** The admin APIs Kafka's own tools call (kafka-log-dirs, kafka-transactions, ...), against a real broker core. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {OffsetCommit} from '../../../src/protocol/messages/08-offset-commit.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DescribeAcls} from '../../../src/protocol/messages/29-describe-acls.js'
import {CreateAcls} from '../../../src/protocol/messages/30-create-acls.js'
import {DeleteAcls} from '../../../src/protocol/messages/31-delete-acls.js'
import {DescribeLogDirs} from '../../../src/protocol/messages/35-describe-log-dirs.js'
import {InitProducerId} from '../../../src/protocol/messages/22-init-producer-id.js'
import {ElectLeaders} from '../../../src/protocol/messages/43-elect-leaders.js'
import {ListPartitionReassignments} from '../../../src/protocol/messages/46-list-partition-reassignments.js'
import {DescribeProducers} from '../../../src/protocol/messages/61-describe-producers.js'
import {DescribeTransactions} from '../../../src/protocol/messages/65-describe-transactions.js'
import {ListTransactions} from '../../../src/protocol/messages/66-list-transactions.js'
import {encodeRecordBatch} from '../../../src/protocol/records.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
beforeEach(async () => {
  t = await openTestBroker()
  await t.call(CreateTopics, 7, {
    topics: [{name: 'orders', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 1000,
  })
})
afterEach(async () => {
  await t.close()
})

const batchOf = (values: string[], idempotent?: {producerId: number; producerEpoch: number; baseSequence: number}) =>
  encodeRecordBatch({
    ...idempotent,
    records: values.map((value) => ({key: null, value: Buffer.from(value), headers: [], timestamp: Date.now()})),
  })

async function produce(partition: number, records: Buffer) {
  const response = await t.call(Produce, 9, {acks: -1, timeoutMs: 1000, topicData: [{name: 'orders', partitionData: [{index: partition, records}]}]})
  expect(response.responses[0].partitionResponses[0].errorCode).toBe(ErrorCode.NONE)
}

describe('ApiVersions', () => {
  it('advertises the admin APIs with the version ranges Kafka 4 serves', async () => {
    const response = await t.call(ApiVersions, 3, {clientSoftwareName: 'kbus-test', clientSoftwareVersion: '1.0'})
    const advertised = new Map(response.apiKeys.map(({apiKey, minVersion, maxVersion}) => [apiKey, `${minVersion}-${maxVersion}`]))
    expect(Object.fromEntries([29, 30, 31, 35, 43, 46, 61, 65, 66].map((key) => [key, advertised.get(key)]))).toEqual({
      29: '1-3', 30: '1-3', 31: '1-3', 35: '1-4', 43: '0-2', 46: '0-0', 61: '0-0', 65: '0-0', 66: '0-2',
    })
  })
})

describe('DescribeLogDirs', () => {
  const sizes = async (topics: {topic: string; partitions: number[]}[] | null) => {
    const response = await t.call(DescribeLogDirs, 4, {topics})
    expect(response.results).toHaveLength(1)
    const [result] = response.results
    return new Map(result.topics.flatMap((topic) => topic.partitions.map((p) => [`${topic.name}-${p.partitionIndex}`, p.partitionSize])))
  }

  it('names the data directory and the volume it is on', async () => {
    const {results: [result]} = await t.call(DescribeLogDirs, 4, {topics: null})
    expect(result.errorCode).toBe(ErrorCode.NONE)
    expect(result.logDir).toBe(t.broker.config.dataDir)
    expect(result.totalBytes).toBeGreaterThan(0)
    expect(result.usableBytes).toBeGreaterThan(0)
    expect(result.usableBytes).toBeLessThanOrEqual(result.totalBytes)
  })

  it('reports each partition growing as records are produced to it', async () => {
    expect((await sizes(null)).get('orders-0')).toBe(0)
    await produce(0, batchOf(['a', 'b', 'c']))
    const after = await sizes(null)
    expect(after.get('orders-0')).toBeGreaterThan(0)
    expect(after.get('orders-1')).toBe(0)
    const {results: [result]} = await t.call(DescribeLogDirs, 4, {topics: null})
    const orders = result.topics.find((topic) => topic.name === 'orders')!
    expect(orders.partitions.every((p) => p.offsetLag === 0 && !p.isFutureKey)).toBe(true)
  })

  it('answers only the partitions asked for, leaving out what does not exist', async () => {
    const answered = await sizes([{topic: 'orders', partitions: [1, 7]}, {topic: 'missing', partitions: [0]}])
    expect([...answered.keys()]).toEqual(['orders-1'])
  })

  it('lists the consumer offsets topic once a group has committed, as Kafka lists its internal topics', async () => {
    const commit = await t.call(OffsetCommit, 5, {
      groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '',
      topics: [{name: 'orders', partitions: [{partitionIndex: 0, committedOffset: 0, committedMetadata: ''}]}],
    })
    expect(commit.topics[0].partitions[0].errorCode).toBe(ErrorCode.NONE)
    const answered = await sizes(null)
    const offsetsPartitions = [...answered].filter(([key]) => key.startsWith('__consumer_offsets-'))
    expect(offsetsPartitions.length).toBeGreaterThan(0)
    expect(offsetsPartitions.some(([, size]) => size > 0)).toBe(true)
  })

  it('answers v1 without the volume fields', async () => {
    const response = await t.call(DescribeLogDirs, 1, {topics: [{topic: 'orders', partitions: [0]}]})
    expect(response.results[0]).toMatchObject({errorCode: 0, totalBytes: -1, usableBytes: -1})
    expect(response.results[0].topics[0].partitions).toHaveLength(1)
  })
})

describe('DescribeProducers', () => {
  const describeProducers = async (name: string, partitionIndexes: number[]) => {
    const response = await t.call(DescribeProducers, 0, {topics: [{name, partitionIndexes}]})
    return response.topics[0].partitions
  }

  it('shows an idempotent producer with its epoch, last sequence and last timestamp', async () => {
    const {producerId, producerEpoch} = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
    await produce(0, batchOf(['a', 'b'], {producerId, producerEpoch, baseSequence: 0}))
    const before = Date.now()
    await produce(0, batchOf(['c', 'd', 'e'], {producerId, producerEpoch, baseSequence: 2}))
    await produce(1, batchOf(['plain']))

    const [first, second] = await describeProducers('orders', [0, 1])
    expect(first).toMatchObject({partitionIndex: 0, errorCode: 0, errorMessage: null})
    expect(first.activeProducers).toEqual([{
      producerId, producerEpoch, lastSequence: 4, lastTimestamp: expect.any(Number), coordinatorEpoch: -1, currentTxnStartOffset: -1,
    }])
    expect(first.activeProducers[0].lastTimestamp).toBeGreaterThanOrEqual(before)
    expect(second).toMatchObject({partitionIndex: 1, errorCode: 0, activeProducers: []})
  })

  it('still knows the producer after a restart', async () => {
    const {producerId, producerEpoch} = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
    await produce(0, batchOf(['a'], {producerId, producerEpoch, baseSequence: 0}))
    await t.restart()
    const [partition] = await describeProducers('orders', [0])
    expect(partition.activeProducers).toMatchObject([{producerId, producerEpoch, lastSequence: 0}])
  })

  it('answers unknown topics and partitions with UNKNOWN_TOPIC_OR_PARTITION', async () => {
    expect(await describeProducers('orders', [2])).toMatchObject([{partitionIndex: 2, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, activeProducers: []}])
    expect(await describeProducers('missing', [0])).toMatchObject([{
      partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'This server does not host this topic-partition.',
    }])
    expect(await describeProducers('bad name', [0])).toMatchObject([{errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION}])
  })
})

describe('ElectLeaders', () => {
  it('answers every named partition with ELECTION_NOT_NEEDED: one broker is always the preferred leader', async () => {
    for (const electionType of [0, 1]) {
      const response = await t.call(ElectLeaders, 2, {electionType, topicPartitions: [{topic: 'orders', partitions: [0, 1]}], timeoutMs: 1000})
      expect(response.errorCode).toBe(ErrorCode.NONE)
      expect(response.replicaElectionResults).toEqual([{topic: 'orders', partitionResult: [
        {partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.'},
        {partitionId: 1, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.'},
      ]}])
    }
  })

  it('names what does not exist in Kafka controller words', async () => {
    const response = await t.call(ElectLeaders, 2, {
      electionType: 0, topicPartitions: [{topic: 'orders', partitions: [5]}, {topic: 'missing', partitions: [0]}], timeoutMs: 1000,
    })
    expect(response.replicaElectionResults).toEqual([
      {topic: 'orders', partitionResult: [{partitionId: 5, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such partition as orders-5'}]},
      {topic: 'missing', partitionResult: [{partitionId: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: 'No such topic as missing'}]},
    ])
  })

  it('lists each topic with nothing to elect when asked for all partitions', async () => {
    const response = await t.call(ElectLeaders, 0, {topicPartitions: null, timeoutMs: 1000})
    expect(response.replicaElectionResults).toEqual([{topic: 'orders', partitionResult: []}])
  })

  it('refuses an unknown election type', async () => {
    const response = await t.call(ElectLeaders, 1, {electionType: 7, topicPartitions: [{topic: 'orders', partitions: [0]}], timeoutMs: 1000})
    expect(response.errorCode).toBe(ErrorCode.INVALID_REQUEST)
    expect(response.replicaElectionResults[0].partitionResult).toEqual([{partitionId: 0, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Unknown election type 7'}])
  })
})

describe('ListPartitionReassignments', () => {
  it('has no reassignment in progress, for all partitions or named ones, existing or not', async () => {
    for (const topics of [null, [{name: 'orders', partitionIndexes: [0, 1]}, {name: 'missing', partitionIndexes: [0]}]]) {
      const response = await t.call(ListPartitionReassignments, 0, {timeoutMs: 1000, topics})
      expect(response).toMatchObject({errorCode: ErrorCode.NONE, errorMessage: null, topics: []})
    }
  })
})

describe('ACLs without an authorizer', () => {
  const ANY = 1
  const TOPIC = 2
  const READ = 3
  const ALLOW = 3
  const LITERAL = 3
  const acl = {resourceType: TOPIC, resourceName: 'orders', resourcePatternType: LITERAL, principal: 'User:alice', host: '*', operation: READ, permissionType: ALLOW}
  const filter = {resourceTypeFilter: ANY, resourceNameFilter: null, patternTypeFilter: ANY, principalFilter: null, hostFilter: null, operation: ANY, permissionType: ANY}

  it('refuses to list ACLs with SECURITY_DISABLED, as a Kafka broker with no authorizer does', async () => {
    for (const version of [1, 3]) {
      const response = await t.call(DescribeAcls, version, filter)
      expect(response).toMatchObject({errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured on the broker', resources: []})
    }
  })

  it('refuses each creation and each deletion filter', async () => {
    const created = await t.call(CreateAcls, 3, {creations: [acl, {...acl, principal: 'User:bob'}]})
    expect(created.results).toEqual(Array(2).fill({errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.'}))
    const deleted = await t.call(DeleteAcls, 1, {filters: [filter]})
    expect(deleted.filterResults).toEqual([{errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: []}])
  })
})

describe('transactions, which kbus does not support', () => {
  it('lists none, even with idempotent producers about, and echoes state filters Kafka does not know', async () => {
    const {producerId, producerEpoch} = await t.call(InitProducerId, 4, {transactionalId: null, transactionTimeoutMs: 60_000})
    await produce(0, batchOf(['a'], {producerId, producerEpoch, baseSequence: 0}))
    const all = await t.call(ListTransactions, 2, {stateFilters: [], producerIdFilters: [], durationFilter: -1, transactionalIdPattern: null})
    expect(all).toMatchObject({errorCode: ErrorCode.NONE, unknownStateFilters: [], transactionStates: []})
    const filtered = await t.call(ListTransactions, 0, {stateFilters: ['Ongoing', 'Sleeping'], producerIdFilters: [producerId]})
    expect(filtered).toMatchObject({errorCode: ErrorCode.NONE, unknownStateFilters: ['Sleeping'], transactionStates: []})
  })

  it('knows no transactional id', async () => {
    const response = await t.call(DescribeTransactions, 0, {transactionalIds: ['payments', '']})
    expect(response.transactionStates.map(({transactionalId, errorCode, topics}) => ({transactionalId, errorCode, topics}))).toEqual([
      {transactionalId: 'payments', errorCode: ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, topics: []},
      {transactionalId: '', errorCode: ErrorCode.INVALID_REQUEST, topics: []},
    ])
  })
})
