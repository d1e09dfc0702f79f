/**
 * Kafka transactions against a real daemon, driven by kafkajs 2.2.4's transactional producer (a
 * client no one here wrote) and read back with kbus console-consumer at both isolation levels:
 * commits and aborts, an open transaction holding read_committed readers back, offsets committed
 * inside a transaction, fencing by a newer producer, and a restart in the middle.
 */
import {createRequire} from 'node:module'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

const require = createRequire(import.meta.url)
const {Kafka, logLevel} = require('kafkajs') as typeof import('kafkajs')

let daemon: Daemon
const run = (args: string[]) => kbus(args, {home: daemon.home})

beforeAll(async () => {
  // A short abort interval, so a timed-out transaction is aborted while the test waits.
  daemon = await startDaemon({overrides: ['transaction.abort.timed.out.transaction.cleanup.interval.ms=500']})
})

afterAll(async () => {
  await daemon?.remove()
})

function transactionalProducer(transactionalId: string, transactionTimeout = 60_000) {
  const kafka = new Kafka({clientId: 'kafkajs-txn', brokers: [daemon.bootstrap], logLevel: logLevel.NOTHING})
  return kafka.producer({transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout})
}

/** Every value in the topic from the start, at an isolation level, until 1.5 s pass without one. */
async function values(topic: string, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
  const result = await run(['console-consumer', '--topic', topic, '--from-beginning', '--timeout-ms', '1500', '--isolation-level', isolation])
  expect(result.exitCode).toBe(0)
  return result.stdout.split('\n').filter(Boolean)
}

async function sendIn(producer: ReturnType<typeof transactionalProducer>, topic: string, texts: string[], outcome: 'commit' | 'abort') {
  const transaction = await producer.transaction()
  await transaction.send({topic, messages: texts.map((value) => ({value}))})
  await (outcome === 'commit' ? transaction.commit() : transaction.abort())
}

describe('transactions', () => {
  it('read_committed readers see committed transactions only; read_uncommitted ones see everything', async () => {
    await run(['topics', 'create', '--topic', 'tx-basic'])
    const producer = transactionalProducer('tx-basic-producer')
    await producer.connect()
    try {
      await sendIn(producer, 'tx-basic', ['committed-1', 'committed-2'], 'commit')
      await sendIn(producer, 'tx-basic', ['aborted-1', 'aborted-2'], 'abort')
      await sendIn(producer, 'tx-basic', ['committed-3'], 'commit')
    } finally {
      await producer.disconnect()
    }
    expect(await values('tx-basic', 'read_committed')).toEqual(['committed-1', 'committed-2', 'committed-3'])
    expect(await values('tx-basic', 'read_uncommitted')).toEqual(['committed-1', 'committed-2', 'aborted-1', 'aborted-2', 'committed-3'])
    // The markers take offsets too: five records and three markers (commit, abort, commit).
    const offsets = await run(['get-offsets', '--topic', 'tx-basic'])
    expect(offsets.stdout.trim()).toBe('tx-basic:0:8')
  })

  it('an open transaction holds read_committed readers back until it commits', async () => {
    await run(['topics', 'create', '--topic', 'tx-open'])
    const producer = transactionalProducer('tx-open-producer')
    await producer.connect()
    try {
      await sendIn(producer, 'tx-open', ['before'], 'commit')
      const open = await producer.transaction()
      await open.send({topic: 'tx-open', messages: [{value: 'pending'}]})
      expect(await values('tx-open', 'read_uncommitted')).toEqual(['before', 'pending'])
      expect(await values('tx-open', 'read_committed')).toEqual(['before'])
      await open.commit()
      expect(await values('tx-open', 'read_committed')).toEqual(['before', 'pending'])
    } finally {
      await producer.disconnect()
    }
  })

  it('commits consumed offsets with the transaction, and drops them when it aborts', async () => {
    await run(['topics', 'create', '--topic', 'tx-out'])
    await run(['topics', 'create', '--topic', 'tx-in'])
    const producer = transactionalProducer('tx-offsets-producer')
    await producer.connect()
    const offsetsOf = async () => (await run(['consumer-groups', '--describe', '--group', 'tx-app', '--json'])).stdout
    try {
      const aborted = await producer.transaction()
      await aborted.send({topic: 'tx-out', messages: [{value: 'x'}]})
      await aborted.sendOffsets({consumerGroupId: 'tx-app', topics: [{topic: 'tx-in', partitions: [{partition: 0, offset: '7'}]}]})
      await aborted.abort()
      expect(await offsetsOf()).not.toMatch(/"currentOffset":\s*7/)
      const committed = await producer.transaction()
      await committed.send({topic: 'tx-out', messages: [{value: 'y'}]})
      await committed.sendOffsets({consumerGroupId: 'tx-app', topics: [{topic: 'tx-in', partitions: [{partition: 0, offset: '5'}]}]})
      await committed.commit()
      expect(await offsetsOf()).toMatch(/"currentOffset":\s*5/)
    } finally {
      await producer.disconnect()
    }
    expect(await values('tx-out', 'read_committed')).toEqual(['y'])
  })

  it('a newer producer with the same transactional id fences the older one and aborts its open transaction', async () => {
    await run(['topics', 'create', '--topic', 'tx-fence'])
    const older = transactionalProducer('tx-fence-id')
    await older.connect()
    const open = await older.transaction()
    await open.send({topic: 'tx-fence', messages: [{value: 'zombie'}]})
    const newer = transactionalProducer('tx-fence-id')
    await newer.connect()
    try {
      // kafkajs initialises the transactional id when a transaction starts, not on connect.
      const fresh = await newer.transaction()
      await expect(open.commit()).rejects.toThrow()
      await fresh.send({topic: 'tx-fence', messages: [{value: 'fresh'}]})
      await fresh.commit()
    } finally {
      await newer.disconnect()
      await older.disconnect().catch(() => {})
    }
    expect(await values('tx-fence', 'read_committed')).toEqual(['fresh'])
  })

  it('keeps an open transaction across a restart, then aborts it when it times out', async () => {
    await run(['topics', 'create', '--topic', 'tx-restart'])
    const producer = transactionalProducer('tx-restart-producer', 3_000)
    await producer.connect()
    await sendIn(producer, 'tx-restart', ['kept'], 'commit')
    const open = await producer.transaction()
    await open.send({topic: 'tx-restart', messages: [{value: 'left-open'}]})
    await producer.disconnect()
    await daemon.restart()
    // Still open after the restart: read_committed stops before it.
    expect(await values('tx-restart', 'read_committed')).toEqual(['kept'])
    const next = transactionalProducer('tx-restart-other')
    await next.connect()
    try {
      await sendIn(next, 'tx-restart', ['after'], 'commit')
    } finally {
      await next.disconnect()
    }
    // Past its 3 s timeout the coordinator aborts it, and readers move past it without it.
    await waitFor(async () => (await values('tx-restart', 'read_committed')).includes('after'), {
      timeout: 30_000,
      interval: 500,
      what: 'the timed-out transaction to be aborted',
    })
    expect(await values('tx-restart', 'read_committed')).toEqual(['kept', 'after'])
  })
})
