/**
 * The transaction coordinator on its own clock and data dir, writing into a real broker's
 * partitions and groups: timeouts, id expiry, epoch exhaustion, and finishing what a stop left
 * prepared.
 */
import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {TransactionCoordinator, DEFAULT_TRANSACTION_SETTINGS} from '../../../src/broker/transactions/coordinator.js'
import type {TransactionMetadata} from '../../../src/broker/transactions/transaction-metadata.js'
import {silentLogger} from '../../../src/daemon/logger.js'
import {readEndTxnMarker} from '../../../src/protocol/end-txn-marker.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {ATTR_CONTROL, readBatchHeader} from '../../../src/protocol/record-batch.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {OffsetFetch} from '../../../src/protocol/messages/09-offset-fetch.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
let dataDir: string
let clock: number
const opened: TransactionCoordinator[] = []

beforeEach(async () => {
  t = await openTestBroker()
  await t.call(CreateTopics, 7, {
    topics: [{name: 'orders', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 1000,
  })
  dataDir = await mkdtemp(join(tmpdir(), 'kbus-txn-'))
  clock = 1_000_000
})
afterEach(async () => {
  for (const coordinator of opened.splice(0)) await coordinator.close()
  await t.close()
  await rm(dataDir, {recursive: true, force: true})
})

async function openCoordinator(): Promise<TransactionCoordinator> {
  const coordinator = await TransactionCoordinator.open(
    dataDir,
    {
      partition: (topic, index) => t.broker.topics.get(topic)?.partitions[index],
      groups: t.broker.groups,
      nextProducerId: () => t.broker.nextProducerId(),
      logger: silentLogger,
      now: () => clock,
    },
    {...DEFAULT_TRANSACTION_SETTINGS, idExpirationMs: 3_600_000},
  )
  await coordinator.start()
  opened.push(coordinator)
  return coordinator
}

async function markers(partition: number) {
  const {batches} = await t.broker.topics.get('orders')!.partitions[partition].read(0, 1 << 20)
  return batches
    .filter((batch) => (readBatchHeader(batch).attributes & ATTR_CONTROL) !== 0)
    .map((batch) => ({kind: readEndTxnMarker(batch), producerEpoch: readBatchHeader(batch).producerEpoch}))
}

const stateFile = () => join(dataDir, 'meta', 'transactions.json')

describe('transaction timeouts', () => {
  it('abort an Ongoing transaction past its timeout with a bumped epoch, which fences its producer', async () => {
    const coordinator = await openCoordinator()
    const p = await coordinator.initProducerId('payments', 5_000, null)
    expect(await coordinator.addPartitions('payments', p.producerId, 0, [{topic: 'orders', partition: 1}])).toBe(ErrorCode.NONE)

    clock += 5_000
    await coordinator.abortTimedOutTransactions()
    expect(coordinator.describe('payments')?.state).toBe('Ongoing')

    clock += 1
    await coordinator.abortTimedOutTransactions()
    expect(coordinator.describe('payments')).toMatchObject({state: 'CompleteAbort', producerEpoch: 1, partitions: []})
    expect(await markers(1)).toEqual([{kind: 'abort', producerEpoch: 1}])
    expect(await coordinator.endTxn('payments', p.producerId, 0, true)).toBe(ErrorCode.PRODUCER_FENCED)
    expect(coordinator.verifyTransactionalProduce(p.producerId, 0, 'orders', 1)).toBe(ErrorCode.INVALID_PRODUCER_EPOCH)
  })

  it('forget transactional ids idle past transactional.id.expiration.ms; a transaction open that long is aborted, not forgotten', async () => {
    const coordinator = await openCoordinator()
    const idle = await coordinator.initProducerId('idle', 60_000, null)
    const open = await coordinator.initProducerId('open', 900_000, null)
    await coordinator.addPartitions('open', open.producerId, 0, [{topic: 'orders', partition: 0}])
    clock += 3_600_000
    await coordinator.abortTimedOutTransactions()
    expect(coordinator.describe('idle')).toBeUndefined()
    expect(coordinator.describe('open')?.state).toBe('CompleteAbort')
    expect(coordinator.verifyTransactionalProduce(idle.producerId, 0, 'orders', 0)).toBe(ErrorCode.INVALID_PRODUCER_ID_MAPPING)
    const persisted = JSON.parse(await readFile(stateFile(), 'utf8')) as {transactions: TransactionMetadata[]}
    expect(persisted.transactions.map((each) => each.transactionalId)).toEqual(['open'])
  })
})

describe('while a transaction is being committed', () => {
  it('answers CONCURRENT_TRANSACTIONS to other requests for it, a repeated EndTxn included (INVALID_TXN_STATE for the other outcome)', async () => {
    const coordinator = await openCoordinator()
    const p = await coordinator.initProducerId('payments', 60_000, null)
    await coordinator.addPartitions('payments', p.producerId, 0, [{topic: 'orders', partition: 0}])
    const ending = coordinator.endTxn('payments', p.producerId, 0, true)
    const [added, initialised, retried, wrongOutcome] = await Promise.all([
      coordinator.addPartitions('payments', p.producerId, 0, [{topic: 'orders', partition: 1}]),
      coordinator.initProducerId('payments', 60_000, null),
      coordinator.endTxn('payments', p.producerId, 0, true),
      coordinator.endTxn('payments', p.producerId, 0, false),
    ])
    expect(added).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(initialised.errorCode).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(retried).toBe(ErrorCode.CONCURRENT_TRANSACTIONS)
    expect(wrongOutcome).toBe(ErrorCode.INVALID_TXN_STATE)
    expect(await ending).toBe(ErrorCode.NONE)
    expect(coordinator.describe('payments')?.state).toBe('CompleteCommit')
    expect(await markers(0)).toEqual([{kind: 'commit', producerEpoch: 0}])
    expect(await markers(1)).toEqual([])
  })
})

describe('producer epochs', () => {
  it('move to a new producer id at epoch 0 once the epoch reaches 32766', async () => {
    let coordinator = await openCoordinator()
    const first = await coordinator.initProducerId('payments', 60_000, null)
    await coordinator.close()
    const persisted = JSON.parse(await readFile(stateFile(), 'utf8')) as {version: 1; transactions: TransactionMetadata[]}
    persisted.transactions[0] = {...persisted.transactions[0], producerEpoch: 32_765}
    await writeFile(stateFile(), JSON.stringify(persisted))
    coordinator = await openCoordinator()
    expect(await coordinator.initProducerId('payments', 60_000, null)).toEqual({errorCode: 0, producerId: first.producerId, producerEpoch: 32_766})
    // KIP-360: a producer naming its exhausted epoch moves to a new id; its retry gets the same answer.
    const resume = {producerId: first.producerId, producerEpoch: 32_766}
    const rotated = await coordinator.initProducerId('payments', 60_000, resume)
    expect(rotated).toMatchObject({errorCode: 0, producerEpoch: 0})
    expect(rotated.producerId).not.toBe(first.producerId)
    expect(await coordinator.initProducerId('payments', 60_000, resume)).toEqual(rotated)
    // A new producer rotating it again fences the old one for good.
    await coordinator.initProducerId('payments', 60_000, null)
    expect((await coordinator.initProducerId('payments', 60_000, {producerId: 1, producerEpoch: 0})).errorCode).toBe(ErrorCode.PRODUCER_FENCED)
  })
})

describe('starting with a transaction a stop left prepared', () => {
  it('writes its markers and commits its offsets, then records it complete', async () => {
    let coordinator = await openCoordinator()
    const p = await coordinator.initProducerId('payments', 60_000, null)
    await coordinator.addPartitions('payments', p.producerId, 0, [{topic: 'orders', partition: 0}, {topic: 'orders', partition: 1}])
    await coordinator.addOffsets('payments', p.producerId, 0, 'readers')
    const staged = await coordinator.txnOffsetCommit({
      transactionalId: 'payments', producerId: p.producerId, producerEpoch: 0,
      groupId: 'readers', generationId: -1, memberId: '', groupInstanceId: null,
      offsets: [{topic: 'orders', partition: 1, offset: 42, leaderEpoch: -1, metadata: null}],
    })
    expect(staged).toEqual([ErrorCode.NONE])
    await coordinator.close()
    // As if the broker stopped right after PrepareCommit was made durable.
    const persisted = JSON.parse(await readFile(stateFile(), 'utf8')) as {version: 1; transactions: TransactionMetadata[]}
    persisted.transactions[0] = {...persisted.transactions[0], state: 'PrepareCommit'}
    await writeFile(stateFile(), JSON.stringify(persisted))

    coordinator = await openCoordinator()
    expect(coordinator.describe('payments')).toMatchObject({state: 'CompleteCommit', partitions: [], stagedOffsets: []})
    expect(await markers(0)).toEqual([{kind: 'commit', producerEpoch: 0}])
    expect(await markers(1)).toEqual([{kind: 'commit', producerEpoch: 0}])
    const fetched = await t.call(OffsetFetch, 7, {groupId: 'readers', topics: [{name: 'orders', partitionIndexes: [1]}], requireStable: true})
    expect(fetched.topics[0].partitions[0]).toMatchObject({committedOffset: 42, errorCode: ErrorCode.NONE})
    expect(await coordinator.endTxn('payments', p.producerId, 0, true)).toBe(ErrorCode.NONE)
  })

  it('skips a partition whose topic was deleted meanwhile', async () => {
    let coordinator = await openCoordinator()
    const p = await coordinator.initProducerId('payments', 60_000, null)
    await coordinator.addPartitions('payments', p.producerId, 0, [{topic: 'gone', partition: 0}, {topic: 'orders', partition: 0}])
    expect(await coordinator.endTxn('payments', p.producerId, 0, false)).toBe(ErrorCode.NONE)
    expect(await markers(0)).toEqual([{kind: 'abort', producerEpoch: 0}])
    await coordinator.close()
    coordinator = await openCoordinator()
    expect(coordinator.describe('payments')?.state).toBe('CompleteAbort')
  })

  it('refuses to start on a transactions file it cannot read, naming it', async () => {
    await openCoordinator().then((coordinator) => coordinator.close())
    await writeFile(stateFile(), '{"version": 1, "transactions": [')
    await expect(openCoordinator()).rejects.toThrow(stateFile())
  })
})
