/**
 * Idempotent producers against the real daemon across restarts: a batch written before a
 * SIGKILL or a clean stop and retried after it, with the same producer id, epoch and sequence,
 * gets its original offset back and is not stored twice; a new InitProducerId after the restart
 * gets an id never handed out before.
 */
import {readdirSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {BrokerConnection} from '../../src/client/connection.js'
import {ErrorCode} from '../../src/protocol/errors.js'
import {Produce} from '../../src/protocol/messages/00-produce.js'
import {CreateTopics} from '../../src/protocol/messages/19-create-topics.js'
import {InitProducerId} from '../../src/protocol/messages/22-init-producer-id.js'
import {encodeRecordBatch} from '../../src/protocol/records.js'
import {type Daemon, kbus, startDaemon} from './helpers/index.js'

let daemon: Daemon | undefined
let connection: BrokerConnection | undefined
afterEach(async () => {
  connection?.close()
  connection = undefined
  await daemon?.remove()
  daemon = undefined
})

async function connect(d: Daemon): Promise<BrokerConnection> {
  connection?.close()
  connection = await BrokerConnection.open({host: '127.0.0.1', port: d.port}, {clientId: 'idempotence-restart'})
  return connection
}

async function initProducerId(conn: BrokerConnection): Promise<number> {
  const answer = await conn.request(InitProducerId, {transactionalId: null, transactionTimeoutMs: 60_000})
  expect(answer.errorCode).toBe(ErrorCode.NONE)
  return answer.producerId
}

/** What an idempotent producer sends: the same bytes on every retry. */
const batchOf = (producerId: number, baseSequence: number, values: string[]) =>
  encodeRecordBatch({
    producerId,
    producerEpoch: 0,
    baseSequence,
    records: values.map((value) => ({key: null, value: Buffer.from(value), headers: [], timestamp: Date.now()})),
  })

async function produce(conn: BrokerConnection, topic: string, records: Buffer) {
  const response = await conn.request(Produce, {
    acks: -1,
    timeoutMs: 5000,
    topicData: [{name: topic, partitionData: [{index: 0, records: Buffer.from(records)}]}],
  })
  return response.responses[0].partitionResponses[0]
}

async function consumeAll(d: Daemon, topic: string, count: number): Promise<string[]> {
  const result = await kbus(
    ['console-consumer', '--bootstrap-server', d.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(count), '--timeout-ms', '5000'],
    {home: d.home},
  )
  return result.stdout.split('\n').filter(Boolean)
}

/** Writes five batches (the most a producer keeps in flight), then stops the broker with `stop`, restarts it, and retries them all. */
async function retryAcrossRestart(topic: string, stop: (d: Daemon) => Promise<void>) {
  daemon = await startDaemon()
  let conn = await connect(daemon)
  const created = await conn.request(CreateTopics, {
    topics: [{name: topic, numPartitions: 1, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 5000,
  })
  expect(created.topics[0].errorCode).toBe(ErrorCode.NONE)
  const producerId = await initProducerId(conn)
  const batches = Array.from({length: 5}, (_, i) => batchOf(producerId, i * 2, [`${topic}-${i}a`, `${topic}-${i}b`]))
  const offsets: number[] = []
  for (const batch of batches) offsets.push((await produce(conn, topic, batch)).baseOffset)
  expect(offsets).toEqual([0, 2, 4, 6, 8])

  await stop(daemon)
  await daemon.restart()
  conn = await connect(daemon)

  for (const [i, batch] of batches.entries())
    expect(await produce(conn, topic, batch), `retry of batch ${i}`).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: offsets[i]})
  expect(await produce(conn, topic, batchOf(producerId, 10, [`${topic}-next`]))).toMatchObject({errorCode: ErrorCode.NONE, baseOffset: 10})
  expect(await consumeAll(daemon, topic, 11)).toEqual([
    ...Array.from({length: 5}, (_, i) => [`${topic}-${i}a`, `${topic}-${i}b`]).flat(),
    `${topic}-next`,
  ])
  expect(await initProducerId(conn)).toBeGreaterThan(producerId)
  return daemon
}

describe('idempotent producer across a broker restart', () => {
  it('answers batches retried after a SIGKILL with their original offsets and stores them once', async () => {
    await retryAcrossRestart('killed', (d) => d.kill9())
  })

  it('does the same after a clean stop, which leaves a producer snapshot at the log end', async () => {
    const d = await retryAcrossRestart('stopped', (d) => d.stop())
    await d.stop()
    expect(readdirSync(join(d.home, 'data', 'stopped-0')).filter((name) => name.endsWith('.snapshot'))).toEqual([
      '00000000000000000011.snapshot',
    ])
  })
})
