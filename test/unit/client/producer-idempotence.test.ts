/**
 * The idempotent producer against a real in-process broker, with a fault-injecting front that
 * can let the broker write a batch and then answer as if it had not (a retriable error, or a
 * dropped connection), or answer without writing. Whatever the fault, every record must be
 * read back exactly once and in send order.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Broker} from '../../../src/broker/broker.js'
import {CloseConnection} from '../../../src/broker/errors.js'
import {Cluster} from '../../../src/client/cluster.js'
import {Fetcher} from '../../../src/client/fetcher.js'
import {ProduceError, Producer, type ProducerOptions} from '../../../src/client/producer.js'
import {kbusPaths} from '../../../src/config/paths.js'
import {buildServerConfig} from '../../../src/config/server-config.js'
import {silentLogger} from '../../../src/daemon/logger.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {apiByKey} from '../../../src/protocol/apis.js'
import {decodeRequestBody, decodeRequestHeader, decodeResponse, encodeResponse} from '../../../src/protocol/headers.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {InitProducerId} from '../../../src/protocol/messages/22-init-producer-id.js'
import {type BatchHeader, readBatchHeader} from '../../../src/protocol/record-batch.js'
import type {ConnectionInfo, RequestHandler} from '../../../src/server/connection.js'
import {KafkaServer} from '../../../src/server/server.js'

/** What the front does with one Produce request. */
type Fault =
  | 'pass'
  /** The broker writes the batches, then the answer says NOT_LEADER_OR_FOLLOWER (retriable). */
  | 'error-after-write'
  /** The broker writes the batches, then the connection drops before the answer. */
  | 'drop-after-write'
  /** Nothing is written; every batch is refused with OUT_OF_ORDER_SEQUENCE_NUMBER. */
  | 'out-of-order'

interface SentBatch extends BatchHeader {
  topic: string
  partition: number
}

class FaultyFront implements RequestHandler {
  /** Faults for the coming Produce requests, in order; then `pass`. */
  readonly faults: Fault[] = []
  /** Decides a fault from the batch itself, ahead of `faults`. */
  faultFor: (batch: SentBatch) => Fault | undefined = () => undefined
  /** Every batch the producer sent, as it arrived. */
  readonly sent: SentBatch[] = []
  /** Produce requests being handled now, and the most seen at once. */
  pending = 0
  maxPending = 0
  /** Holds each Produce request until this resolves (for the pipelining test). */
  gate: (() => Promise<void>) | undefined
  hideInitProducerId = false

  constructor(private readonly broker: Broker) {}

  async handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | null> {
    const header = decodeRequestHeader(frame, apiByKey)
    if (header.apiKey === ApiVersions.key && this.hideInitProducerId) return this.withoutInitProducerId(frame, conn, header.apiVersion)
    if (header.apiKey !== Produce.key) return this.broker.handle(frame, conn)
    const request = decodeRequestBody(Produce, header.apiVersion, frame, header.bodyOffset)
    const batches = request.topicData.flatMap((topic) =>
      topic.partitionData.map((data) => ({topic: topic.name, partition: data.index, ...readBatchHeader(data.records!)})),
    )
    this.sent.push(...batches)
    const fault = batches.map((batch) => this.faultFor(batch)).find((f) => f !== undefined) ?? this.faults.shift() ?? 'pass'
    this.pending++
    this.maxPending = Math.max(this.maxPending, this.pending)
    try {
      await this.gate?.()
      if (fault === 'out-of-order') return this.answerAll(request, header, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER)
      const answer = await this.broker.handle(frame, conn)
      if (fault === 'drop-after-write') throw new CloseConnection('fault: dropped after the write')
      if (fault === 'error-after-write') return this.answerAll(request, header, ErrorCode.NOT_LEADER_OR_FOLLOWER)
      return answer
    } finally {
      this.pending--
    }
  }

  connectionClosed(conn: ConnectionInfo): void {
    this.broker.connectionClosed(conn)
  }

  private answerAll(request: ReturnType<typeof decodeRequestBody<typeof Produce>>, header: {apiVersion: number; correlationId: number}, errorCode: number): Buffer {
    return encodeResponse(Produce, header.apiVersion, header.correlationId, {
      throttleTimeMs: 0,
      responses: request.topicData.map((topic) => ({
        name: topic.name,
        partitionResponses: topic.partitionData.map((data) => ({
          index: data.index, errorCode, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [], errorMessage: null,
        })),
      })),
    })
  }

  /** A broker that predates idempotence: ApiVersions lists no InitProducerId. */
  private async withoutInitProducerId(frame: Buffer, conn: ConnectionInfo, version: number): Promise<Buffer> {
    const answer = (await this.broker.handle(frame, conn)) as Buffer
    const {correlationId, body} = decodeResponse(ApiVersions, version, answer.subarray(4))
    return encodeResponse(ApiVersions, version, correlationId, {...body, apiKeys: body.apiKeys.filter((range) => range.apiKey !== InitProducerId.key)})
  }
}

let home: string
let broker: Broker
let server: KafkaServer
let front: FaultyFront
const clusters: Cluster[] = []

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'kbus-idem-'))
  const paths = kbusPaths({KBUS_HOME: home})
  const {config} = buildServerConfig({}, paths)
  broker = await Broker.open(config, {logger: silentLogger})
  front = new FaultyFront(broker)
  server = await KafkaServer.listen(front, {tcp: [], socketPath: paths.socketPath, maxFrameBytes: 100 << 20, logger: silentLogger})
  await createTopic('t', 2)
})

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()))
  await server.close({graceMs: 0})
  await broker.close()
  rmSync(home, {recursive: true, force: true})
})

function cluster(): Cluster {
  const created = new Cluster({bootstrapServers: [], socketPath: kbusPaths({KBUS_HOME: home}).socketPath, clientId: 'idempotence-test'})
  clusters.push(created)
  return created
}

async function createTopic(name: string, partitions: number, configs: Array<{name: string; value: string}> = []): Promise<void> {
  const response = await (await cluster().anyBroker()).request(CreateTopics, {
    topics: [{name, numPartitions: partitions, replicationFactor: 1, assignments: [], configs}],
    timeoutMs: 5000,
    validateOnly: false,
  })
  expect(response.topics[0].errorCode).toBe(ErrorCode.NONE)
}

/** One record per batch, sent at once, retried quickly: the conditions where order is at risk. */
function producer(options: ProducerOptions = {}): Producer {
  return new Producer(cluster(), {idempotent: true, batchSize: 1, lingerMs: 0, retryBackoffMs: 5, ...options})
}

function sendValues(target: Producer, topic: string, partition: number, values: string[]): void {
  for (const value of values) target.send({topic, partition, key: Buffer.from(value), value: Buffer.from(value)})
}

/** Reads a partition from the start until `count` records arrived or nothing more comes. */
async function readValues(topic: string, partition: number, count: number): Promise<string[]> {
  const reader = cluster()
  await reader.topic(topic)
  const fetcher = new Fetcher(reader, {maxWaitMs: 100})
  await fetcher.assign([{topic, partition, start: 'earliest'}])
  const values: string[] = []
  const deadline = Date.now() + 5000
  while (values.length < count && Date.now() < deadline) for (const record of await fetcher.poll()) values.push(record.value!.toString())
  // One more round: a duplicate written after the expected records would show up here.
  for (const record of await fetcher.poll()) values.push(record.value!.toString())
  return values
}

const numbered = (label: string, count: number) => Array.from({length: count}, (_, i) => `${label}-${i}`)

describe('idempotent producer', () => {
  it('stamps every batch with one producer id and per-partition sequences that follow on', async () => {
    const p = producer({batchSize: 200})
    for (const value of numbered('v', 40))
      p.send({topic: 't', key: Buffer.from(value), value: Buffer.from(value.padEnd(30, '.'))})
    await p.flush()

    expect(p.producerIdentity).toBeDefined()
    const {producerId} = p.producerIdentity!
    expect(producerId).toBeGreaterThanOrEqual(0)
    expect(new Set(front.sent.map((b) => `${b.producerId}/${b.producerEpoch}`))).toEqual(new Set([`${producerId}/0`]))
    for (const partition of [0, 1]) {
      const batches = front.sent.filter((b) => b.partition === partition)
      expect(batches.length).toBeGreaterThan(1)
      let expected = 0
      for (const batch of batches) {
        expect(batch.baseSequence).toBe(expected)
        expected += batch.recordsCount
      }
    }
  })

  it('writes a batch once when the broker wrote it but answered with a retriable error', async () => {
    front.faults.push('error-after-write')
    const p = producer()
    sendValues(p, 't', 0, numbered('a', 8))
    await p.flush()

    expect(await readValues('t', 0, 8)).toEqual(numbered('a', 8))
    // The retry went out with the sequence of the first attempt, which is how the broker knew it.
    const first = front.sent[0]
    expect(front.sent.filter((b) => b.partition === first.partition && b.baseSequence === first.baseSequence).length).toBe(2)
  })

  it('writes a batch once when the connection dropped after the broker wrote it', async () => {
    front.faults.push('pass', 'drop-after-write')
    const p = producer()
    sendValues(p, 't', 0, numbered('b', 8))
    await p.flush()
    expect(await readValues('t', 0, 8)).toEqual(numbered('b', 8))
  })

  it('writes the batch twice under the same fault without idempotence (the fault is real)', async () => {
    front.faults.push('error-after-write')
    const p = producer({idempotent: false})
    sendValues(p, 't', 0, ['x'])
    await p.flush()
    expect(front.sent[0].producerId).toBe(-1)
    expect(await readValues('t', 0, 2)).toEqual(['x', 'x'])
  })

  it('keeps up to five batches of a partition in flight, and they land in order', async () => {
    // Each Produce waits until five are at the broker together (or a deadline, so a failure
    // shows as a wrong count rather than a hang).
    let release: () => void = () => {}
    const allIn = new Promise<void>((resolve) => (release = resolve))
    const deadline = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())
    front.gate = () => {
      if (front.pending >= 5) release()
      return Promise.race([allIn, deadline])
    }
    const p = producer()
    sendValues(p, 't', 0, numbered('c', 12))
    await p.flush()
    expect(front.maxPending).toBe(5)
    expect(await readValues('t', 0, 12)).toEqual(numbered('c', 12))
  })

  it('bumps the epoch when the broker lost the sequence, and sends everything again from 0', async () => {
    // The broker refuses every batch of epoch 0 as out of order, as if it had lost track.
    front.faultFor = (batch) => (batch.producerEpoch === 0 ? 'out-of-order' : undefined)
    const p = producer()
    sendValues(p, 't', 0, numbered('d', 6))
    await p.flush()

    expect(await readValues('t', 0, 6)).toEqual(numbered('d', 6))
    expect(p.producerIdentity?.producerEpoch).toBe(1)
    const written = front.sent.filter((b) => b.producerEpoch === 1)
    expect(written.map((b) => b.baseSequence)).toEqual([0, 1, 2, 3, 4, 5])
  })

  it('moves on after a batch fails for good: the sequence gap is closed by a new epoch', async () => {
    // A compacted topic refuses a record without a key (INVALID_RECORD, not retriable).
    await createTopic('compacted', 1, [{name: 'cleanup.policy', value: 'compact'}])
    const p = producer()
    p.send({topic: 'compacted', partition: 0, key: Buffer.from('k1'), value: Buffer.from('first')})
    p.send({topic: 'compacted', partition: 0, key: null, value: Buffer.from('keyless')})
    p.send({topic: 'compacted', partition: 0, key: Buffer.from('k3'), value: Buffer.from('third')})
    const error = await p.flush().then(() => undefined, (e: unknown) => e)

    expect(error).toBeInstanceOf(ProduceError)
    expect((error as ProduceError).failedRecords).toBe(1)
    expect((error as ProduceError).code).toBe(ErrorCode.INVALID_RECORD)
    expect(p.producerIdentity?.producerEpoch).toBe(1)
    expect(await readValues('compacted', 0, 2)).toEqual(['first', 'third'])
  })

  it('fails every record with a clear error when the broker has no InitProducerId', async () => {
    front.hideInitProducerId = true
    const p = producer()
    sendValues(p, 't', 0, ['y', 'z'])
    const error = (await p.flush().then(() => undefined, (e: unknown) => e)) as ProduceError
    expect(error).toBeInstanceOf(ProduceError)
    expect(error.failedRecords).toBe(2)
    expect(error.code).toBe(ErrorCode.UNSUPPORTED_VERSION)
    expect(error.message).toMatch(/InitProducerId.*enable\.idempotence=false/)
    expect(front.sent).toEqual([])
  })

  it('refuses settings idempotence cannot work with', () => {
    expect(() => producer({acks: 1})).toThrow(/acks to all/)
    expect(() => producer({maxInFlight: 6})).toThrow(/at most 5/)
  })
})
