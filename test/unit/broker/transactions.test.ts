/** Kafka transactions (TV1) through the broker's request path: what a transactional client sees. */
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {readEndTxnMarker} from '../../../src/protocol/end-txn-marker.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {ATTR_CONTROL, ATTR_TRANSACTIONAL, readBatchHeader} from '../../../src/protocol/record-batch.js'
import {encodeRecordBatch} from '../../../src/protocol/records.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {OffsetFetch} from '../../../src/protocol/messages/09-offset-fetch.js'
import {FindCoordinator} from '../../../src/protocol/messages/10-find-coordinator.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {InitProducerId} from '../../../src/protocol/messages/22-init-producer-id.js'
import {AddPartitionsToTxn} from '../../../src/protocol/messages/24-add-partitions-to-txn.js'
import {AddOffsetsToTxn} from '../../../src/protocol/messages/25-add-offsets-to-txn.js'
import {EndTxn} from '../../../src/protocol/messages/26-end-txn.js'
import {TxnOffsetCommit} from '../../../src/protocol/messages/28-txn-offset-commit.js'
import {DescribeTransactions} from '../../../src/protocol/messages/65-describe-transactions.js'
import {ListTransactions} from '../../../src/protocol/messages/66-list-transactions.js'
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

interface Producer {
  transactionalId: string
  producerId: number
  producerEpoch: number
}

async function init(transactionalId: string, version = 4, transactionTimeoutMs = 60_000): Promise<Producer> {
  const answer = await t.call(InitProducerId, version, {transactionalId, transactionTimeoutMs})
  expect(answer.errorCode).toBe(ErrorCode.NONE)
  return {transactionalId, producerId: answer.producerId, producerEpoch: answer.producerEpoch}
}

async function addPartitions(p: Producer, partitions: number[], version = 3, topic = 'orders') {
  const answer = await t.call(AddPartitionsToTxn, version, {
    v3AndBelowTransactionalId: p.transactionalId,
    v3AndBelowProducerId: p.producerId,
    v3AndBelowProducerEpoch: p.producerEpoch,
    v3AndBelowTopics: [{name: topic, partitions}],
  })
  return answer.resultsByTopicV3AndBelow.flatMap((topicResult) =>
    topicResult.resultsByPartition.map((r) => [`${topicResult.name}-${r.partitionIndex}`, r.partitionErrorCode] as const))
}

async function endTxn(p: Producer, committed: boolean, version = 3) {
  return (await t.call(EndTxn, version, {transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, committed})).errorCode
}

async function produceIn(p: Producer, partition: number, baseSequence: number, values: string[]) {
  const records = encodeRecordBatch({
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence,
    attributes: ATTR_TRANSACTIONAL,
    records: values.map((value) => ({key: null, value: Buffer.from(value), headers: [], timestamp: Date.now()})),
  })
  const response = await t.call(Produce, 9, {
    transactionalId: p.transactionalId, acks: -1, timeoutMs: 1000,
    topicData: [{name: 'orders', partitionData: [{index: partition, records}]}],
  })
  return response.responses[0].partitionResponses[0].errorCode
}

/** The transaction markers in a partition's log, in order. */
async function markers(partition: number) {
  const {batches} = await t.broker.topics.get('orders')!.partitions[partition].read(0, 1 << 20)
  return batches
    .filter((batch) => (readBatchHeader(batch).attributes & ATTR_CONTROL) !== 0)
    .map((batch) => ({kind: readEndTxnMarker(batch), producerId: readBatchHeader(batch).producerId, producerEpoch: readBatchHeader(batch).producerEpoch}))
}

async function describeOne(transactionalId: string) {
  return (await t.call(DescribeTransactions, 0, {transactionalIds: [transactionalId]})).transactionStates[0]
}

describe('finding the transaction coordinator', () => {
  it('is this node, in the single-key and the batched form', async () => {
    expect(await t.call(FindCoordinator, 2, {key: 'payments', keyType: 1})).toMatchObject({errorCode: ErrorCode.NONE, nodeId: 1})
    const batched = await t.call(FindCoordinator, 4, {keyType: 1, coordinatorKeys: ['a', 'b']})
    expect(batched.coordinators.map((c) => [c.key, c.errorCode, c.nodeId])).toEqual([['a', 0, 1], ['b', 0, 1]])
  })

  it('advertises the client versions of the transaction APIs (TV1: EndTxn and TxnOffsetCommit up to v4)', async () => {
    const response = await t.call(ApiVersions, 3, {clientSoftwareName: 'kbus-test', clientSoftwareVersion: '1.0'})
    const advertised = new Map(response.apiKeys.map(({apiKey, minVersion, maxVersion}) => [apiKey, `${minVersion}-${maxVersion}`]))
    expect([24, 25, 26, 28].map((key) => advertised.get(key))).toEqual(['0-3', '0-4', '0-4', '0-4'])
  })
})

describe('InitProducerId with a transactional id', () => {
  it('gives a new id epoch 0 and the same producer a bumped epoch after', async () => {
    const first = await init('payments')
    expect(first.producerEpoch).toBe(0)
    const second = await init('payments')
    expect(second).toEqual({...first, producerEpoch: 1})
    const other = await init('invoices')
    expect(other.producerId).not.toBe(first.producerId)
  })

  it('refuses a timeout above transaction.max.timeout.ms and the empty id', async () => {
    const tooLong = await t.call(InitProducerId, 4, {transactionalId: 'payments', transactionTimeoutMs: 900_001})
    expect(tooLong).toMatchObject({errorCode: ErrorCode.INVALID_TRANSACTION_TIMEOUT, producerId: -1, producerEpoch: -1})
    expect((await t.call(InitProducerId, 4, {transactionalId: '', transactionTimeoutMs: 60_000})).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('KIP-360: bumps the epoch a producer names once, answers its retry alike, and fences a stranger', async () => {
    const first = await init('payments')
    const resume = {transactionalId: 'payments', transactionTimeoutMs: 60_000, producerId: first.producerId, producerEpoch: first.producerEpoch}
    expect(await t.call(InitProducerId, 4, resume)).toMatchObject({errorCode: 0, producerId: first.producerId, producerEpoch: 1})
    expect(await t.call(InitProducerId, 4, resume)).toMatchObject({errorCode: 0, producerId: first.producerId, producerEpoch: 1})
    const stranger = {...resume, producerId: first.producerId + 1000}
    expect((await t.call(InitProducerId, 4, stranger)).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
    expect((await t.call(InitProducerId, 3, stranger)).errorCode).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
    expect((await t.call(InitProducerId, 4, {...resume, producerEpoch: -1})).errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('aborts the open transaction with a fencing epoch and asks the new producer to retry', async () => {
    const old = await init('payments')
    expect(await addPartitions(old, [0])).toEqual([['orders-0', ErrorCode.NONE]])
    expect((await t.call(InitProducerId, 4, {transactionalId: 'payments', transactionTimeoutMs: 60_000})).errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(await markers(0)).toEqual([{kind: 'abort', producerId: old.producerId, producerEpoch: 1}])
    expect(await init('payments')).toEqual({...old, producerEpoch: 2})
    expect(await endTxn(old, true)).toBe(ErrorCode.PRODUCER_FENCED)
  })
})

describe('a transaction from start to end', () => {
  it('commits: AddPartitionsToTxn, transactional writes, a commit marker in each partition, CompleteCommit', async () => {
    const p = await init('payments')
    expect(await addPartitions(p, [0, 1])).toEqual([['orders-0', 0], ['orders-1', 0]])
    expect(await describeOne('payments')).toMatchObject({
      errorCode: 0, transactionState: 'Ongoing', transactionTimeoutMs: 60_000, producerId: p.producerId,
      topics: [{topic: 'orders', partitions: [0, 1]}],
    })
    expect(t.broker.transactions.verifyTransactionalProduce(p.producerId, p.producerEpoch, 'orders', 0)).toBe(ErrorCode.NONE)
    expect(await produceIn(p, 0, 0, ['a', 'b'])).toBe(ErrorCode.NONE)
    expect(await endTxn(p, true)).toBe(ErrorCode.NONE)
    expect(await markers(0)).toEqual([{kind: 'commit', producerId: p.producerId, producerEpoch: 0}])
    expect(await markers(1)).toEqual([{kind: 'commit', producerId: p.producerId, producerEpoch: 0}])
    expect(await describeOne('payments')).toMatchObject({transactionState: 'CompleteCommit', topics: []})
    // A retry of the same outcome succeeds; the other outcome is refused.
    expect(await endTxn(p, true)).toBe(ErrorCode.NONE)
    expect(await endTxn(p, false)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(t.broker.transactions.verifyTransactionalProduce(p.producerId, p.producerEpoch, 'orders', 0)).toBe(ErrorCode.INVALID_TXN_STATE)
  })

  it('aborts, then starts the next transaction with a new start time', async () => {
    const p = await init('payments')
    expect((await describeOne('payments')).transactionStartTimeMs).toBe(-1)
    await addPartitions(p, [1])
    expect(await endTxn(p, false)).toBe(ErrorCode.NONE)
    expect(await markers(1)).toEqual([{kind: 'abort', producerId: p.producerId, producerEpoch: 0}])
    expect(await endTxn(p, true)).toBe(ErrorCode.INVALID_TXN_STATE)
    await addPartitions(p, [0])
    expect(await describeOne('payments')).toMatchObject({transactionState: 'Ongoing', topics: [{topic: 'orders', partitions: [0]}]})
    expect((await describeOne('payments')).transactionStartTimeMs).toBeGreaterThan(0)
  })

  it('refuses EndTxn with no transaction open, as Kafka does', async () => {
    const p = await init('payments')
    expect(await endTxn(p, true)).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await endTxn({...p, transactionalId: 'nobody'}, true)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
  })
})

describe('AddPartitionsToTxn', () => {
  it('adds nothing when a partition does not exist: UNKNOWN_TOPIC_OR_PARTITION for it, OPERATION_NOT_ATTEMPTED for the rest', async () => {
    const p = await init('payments')
    expect(await addPartitions(p, [0, 7])).toEqual([['orders-0', ErrorCode.OPERATION_NOT_ATTEMPTED], ['orders-7', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]])
    expect((await describeOne('payments')).transactionState).toBe('Empty')
  })

  it('checks the producer: unknown id, wrong producer, old epoch (INVALID_PRODUCER_EPOCH before v2)', async () => {
    const p = await init('payments')
    await init('payments')
    expect(await addPartitions({...p, transactionalId: 'nobody'}, [0])).toEqual([['orders-0', ErrorCode.INVALID_PRODUCER_ID_MAPPING]])
    expect(await addPartitions({...p, producerId: p.producerId + 1}, [0])).toEqual([['orders-0', ErrorCode.INVALID_PRODUCER_ID_MAPPING]])
    expect(await addPartitions(p, [0])).toEqual([['orders-0', ErrorCode.PRODUCER_FENCED]])
    expect(await addPartitions(p, [0], 1)).toEqual([['orders-0', ErrorCode.INVALID_PRODUCER_EPOCH]])
  })
})

describe('offsets in a transaction', () => {
  const commitOffset = async (p: Producer, offset: number, version = 3) => {
    const answer = await t.call(TxnOffsetCommit, version, {
      transactionalId: p.transactionalId, groupId: 'readers', producerId: p.producerId, producerEpoch: p.producerEpoch,
      topics: [{name: 'orders', partitions: [{partitionIndex: 0, committedOffset: offset, committedMetadata: 'm'}, {partitionIndex: 9, committedOffset: 1, committedMetadata: null}]}],
    })
    return answer.topics[0].partitions.map((partition) => partition.errorCode)
  }
  const committed = async (requireStable = false) => {
    const answer = await t.call(OffsetFetch, 7, {groupId: 'readers', topics: [{name: 'orders', partitionIndexes: [0]}], requireStable})
    return {errorCode: answer.errorCode, offset: answer.topics[0].partitions[0].committedOffset}
  }
  const addGroup = async (p: Producer) =>
    (await t.call(AddOffsetsToTxn, 3, {transactionalId: p.transactionalId, producerId: p.producerId, producerEpoch: p.producerEpoch, groupId: 'readers'})).errorCode

  it('are refused until the group is in the transaction (INVALID_TXN_STATE, TRANSACTION_ABORTABLE from v4)', async () => {
    const p = await init('payments')
    await addPartitions(p, [0])
    expect(await commitOffset(p, 5)).toEqual([ErrorCode.INVALID_TXN_STATE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(await commitOffset(p, 5, 4)).toEqual([ErrorCode.TRANSACTION_ABORTABLE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
  })

  it('are staged until the commit, then committed to the group', async () => {
    const p = await init('payments')
    expect(await addGroup(p)).toBe(ErrorCode.NONE)
    expect(await describeOne('payments')).toMatchObject({transactionState: 'Ongoing', topics: [{topic: '__consumer_offsets'}]})
    expect(await commitOffset(p, 5)).toEqual([ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION])
    expect(t.broker.transactions.hasPendingOffsets('readers', 'orders', 0)).toBe(true)
    expect((await committed()).offset).toBe(-1)
    expect(await endTxn(p, true)).toBe(ErrorCode.NONE)
    expect(t.broker.transactions.hasPendingOffsets('readers', 'orders', 0)).toBe(false)
    expect((await committed()).offset).toBe(5)
  })

  it('are dropped when the transaction aborts', async () => {
    const p = await init('payments')
    await addGroup(p)
    await commitOffset(p, 5)
    expect(await endTxn(p, false)).toBe(ErrorCode.NONE)
    expect(t.broker.transactions.hasPendingOffsets('readers', 'orders', 0)).toBe(false)
    expect((await committed()).offset).toBe(-1)
  })
})

describe('ListTransactions and DescribeTransactions', () => {
  it('list every id with its state, filtered by state, producer id, duration and id pattern', async () => {
    const a = await init('payments-a')
    const b = await init('payments-b')
    await init('invoices')
    await addPartitions(a, [0])
    const list = async (filters: Partial<{stateFilters: string[]; producerIdFilters: number[]; durationFilter: number; transactionalIdPattern: string | null}>) => {
      const answer = await t.call(ListTransactions, 2, {stateFilters: [], producerIdFilters: [], durationFilter: -1, transactionalIdPattern: null, ...filters})
      return {...answer, ids: answer.transactionStates.map((s) => `${s.transactionalId}:${s.transactionState}`).sort()}
    }
    expect((await list({})).ids).toEqual(['invoices:Empty', 'payments-a:Ongoing', 'payments-b:Empty'])
    expect(await list({stateFilters: ['Ongoing', 'Sleeping']})).toMatchObject({ids: ['payments-a:Ongoing'], unknownStateFilters: ['Sleeping']})
    expect((await list({producerIdFilters: [b.producerId]})).ids).toEqual(['payments-b:Empty'])
    expect((await list({transactionalIdPattern: 'payments-.'})).ids).toEqual(['payments-a:Ongoing', 'payments-b:Empty'])
    expect((await list({transactionalIdPattern: 'payments'})).ids).toEqual([])
    expect((await list({transactionalIdPattern: '('})).errorCode).toBe(ErrorCode.INVALID_REGULAR_EXPRESSION)
    expect((await list({stateFilters: ['Ongoing'], durationFilter: 3_600_000})).ids).toEqual([])
  })

  it('describe an unknown id as TRANSACTIONAL_ID_NOT_FOUND and the empty one as INVALID_REQUEST', async () => {
    const response = await t.call(DescribeTransactions, 0, {transactionalIds: ['nobody', '']})
    expect(response.transactionStates.map((s) => s.errorCode)).toEqual([ErrorCode.TRANSACTIONAL_ID_NOT_FOUND, ErrorCode.INVALID_REQUEST])
  })
})

describe('across a restart', () => {
  it('keeps an open transaction open, and its producer may still commit it', async () => {
    const p = await init('payments')
    await addPartitions(p, [0])
    await t.restart()
    expect(await describeOne('payments')).toMatchObject({transactionState: 'Ongoing', producerEpoch: 0, topics: [{topic: 'orders', partitions: [0]}]})
    expect(await endTxn(p, true)).toBe(ErrorCode.NONE)
    expect(await markers(0)).toEqual([{kind: 'commit', producerId: p.producerId, producerEpoch: 0}])
    // The id keeps its producer: the next InitProducerId bumps the epoch.
    expect(await init('payments')).toEqual({...p, producerEpoch: 1})
  })
})
