/**
 * The client's transactional producer (what producer-perf-test --transactional-id runs) against
 * a real in-process broker: partitions join the transaction before their batches, a commit makes
 * the records readable at read_committed and an abort never does, and a newer producer of the
 * same transactional id fences the older one.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Broker} from '../../../src/broker/broker.js'
import {Cluster} from '../../../src/client/cluster.js'
import {Fetcher} from '../../../src/client/fetcher.js'
import {Producer} from '../../../src/client/producer.js'
import {kbusPaths} from '../../../src/config/paths.js'
import {buildServerConfig} from '../../../src/config/server-config.js'
import {silentLogger} from '../../../src/daemon/logger.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {KafkaServer} from '../../../src/server/server.js'

let home: string
let broker: Broker
let server: KafkaServer
const clusters: Cluster[] = []

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'kbus-txn-client-'))
  const paths = kbusPaths({KBUS_HOME: home})
  const {config} = buildServerConfig({}, paths)
  broker = await Broker.open(config, {logger: silentLogger})
  server = await KafkaServer.listen(broker, {tcp: [], socketPath: paths.socketPath, maxFrameBytes: 100 << 20, logger: silentLogger})
  const response = await (await cluster().anyBroker()).request(CreateTopics, {
    topics: [{name: 't', numPartitions: 2, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 5000,
    validateOnly: false,
  })
  expect(response.topics[0].errorCode).toBe(ErrorCode.NONE)
})

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()))
  await server.close({graceMs: 0})
  await broker.close()
  rmSync(home, {recursive: true, force: true})
})

function cluster(): Cluster {
  const created = new Cluster({bootstrapServers: [], socketPath: kbusPaths({KBUS_HOME: home}).socketPath, clientId: 'transactions-test'})
  clusters.push(created)
  return created
}

function producer(transactionalId: string): Producer {
  return new Producer(cluster(), {idempotent: true, transactionalId, lingerMs: 0, retryBackoffMs: 5})
}

/** The values of both partitions at an isolation level. */
async function values(isolationLevel: 0 | 1): Promise<string[]> {
  const fetcher = new Fetcher(cluster(), {isolationLevel, maxWaitMs: 50})
  await fetcher.assign([0, 1].map((partition) => ({topic: 't', partition, start: 'earliest' as const})))
  const seen: string[] = []
  for (let round = 0; round < 5; round++) seen.push(...(await fetcher.poll()).map((record) => record.value!.toString()))
  return seen.sort()
}

const send = (p: Producer, texts: string[]) => texts.forEach((text, index) => p.send({topic: 't', partition: index % 2, key: null, value: Buffer.from(text)}))

describe('transactional producer', () => {
  it('commits what it sent, aborts the rest, and read_committed readers see only the commits', async () => {
    const p = producer('tx-client')
    await p.initTransactions()
    p.beginTransaction()
    send(p, ['c1', 'c2', 'c3'])
    await p.commitTransaction()
    p.beginTransaction()
    send(p, ['a1', 'a2'])
    await p.abortTransaction()
    p.beginTransaction()
    await p.commitTransaction()
    expect(await values(1)).toEqual(['c1', 'c2', 'c3'])
    expect(await values(0)).toEqual(['a1', 'a2', 'c1', 'c2', 'c3'])
    expect(broker.transactions.describe('tx-client')?.state).toBe('CompleteAbort')
  })

  it('goes on after aborting a transaction whose records failed', async () => {
    const p = producer('tx-after-failure')
    await p.initTransactions()
    p.beginTransaction()
    p.send({topic: 't', partition: 7, key: null, value: Buffer.from('nowhere')})
    await expect(p.commitTransaction()).rejects.toThrow(/Partition 7 of topic 't' does not exist/)
    await p.abortTransaction()
    p.beginTransaction()
    send(p, ['after'])
    await p.commitTransaction()
    expect(await values(1)).toEqual(['after'])
  })

  it('refuses to send outside a transaction, and a second producer of the id fences the first', async () => {
    const first = producer('tx-fenced')
    await first.initTransactions()
    expect(() => first.send({topic: 't', key: null, value: Buffer.from('x')})).toThrow('call beginTransaction first')
    first.beginTransaction()
    send(first, ['zombie'])
    const second = producer('tx-fenced')
    await second.initTransactions()
    await expect(first.commitTransaction()).rejects.toThrow()
    second.beginTransaction()
    send(second, ['fresh'])
    await second.commitTransaction()
    expect(await values(1)).toEqual(['fresh'])
  })
})
