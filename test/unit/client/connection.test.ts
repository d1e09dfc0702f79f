/**
 * The connection layer against a tiny scripted broker on a real socket: framing, version
 * negotiation, in-order matching of pipelined requests, and the errors a user would see.
 */
import {createServer, type Server, type Socket} from 'node:net'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {BrokerConnection} from '../../../src/client/connection.js'
import {ConnectionError} from '../../../src/client/errors.js'
import {apiByKey, ApiVersions, Metadata} from '../../../src/protocol/apis.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import {decodeRequestBody, decodeRequestHeader, encodeApiVersionsUnsupported, encodeResponse} from '../../../src/protocol/headers.js'

interface Received {
  apiKey: number
  apiVersion: number
  correlationId: number
  frame: Buffer
  bodyOffset: number
}

interface FakeBrokerOptions {
  /** Ranges to advertise; Metadata 0-12 and ApiVersions 0-4 by default. */
  ranges?: Array<{apiKey: number; minVersion: number; maxVersion: number}>
  /** Answers a request with response bytes, or null to stay silent. */
  answer?: (request: Received, socket: Socket) => Buffer | null
  /** Write responses one byte at a time, to split frames across reads. */
  dribble?: boolean
  maxApiVersions?: number
}

const servers: Server[] = []
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))))
})


async function fakeBroker(opts: FakeBrokerOptions = {}): Promise<{port: number; requests: Received[]}> {
  const requests: Received[] = []
  const ranges = opts.ranges ?? [
    {apiKey: 18, minVersion: 0, maxVersion: 4},
    {apiKey: 3, minVersion: 0, maxVersion: 12},
  ]
  const server = createServer((socket) => {
    let pending = Buffer.alloc(0)
    socket.on('error', () => {})
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0))
        pending = pending.subarray(4 + frame.length)
        const header = decodeRequestHeader(frame, apiByKey)
        const request = {...header, frame}
        requests.push(request)
        let response: Buffer | null
        if (header.apiKey === 18 && header.apiVersion > (opts.maxApiVersions ?? 4))
          response = encodeApiVersionsUnsupported(header.correlationId, opts.maxApiVersions ?? 4)
        else if (header.apiKey === 18)
          response = encodeResponse(ApiVersions, header.apiVersion, header.correlationId, {errorCode: 0, apiKeys: ranges})
        else response = opts.answer ? opts.answer(request, socket) : null
        if (!response) continue
        if (opts.dribble) for (const byte of response) socket.write(Buffer.from([byte]))
        else socket.write(response)
      }
    })
  })
  servers.push(server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  return {port: address.port, requests}
}

function metadataAnswer(request: Received): Buffer {
  const body = decodeRequestBody(Metadata, request.apiVersion, request.frame, request.bodyOffset)
  return encodeResponse(Metadata, request.apiVersion, request.correlationId, {
    brokers: [{nodeId: 1, host: 'localhost', port: 9092, rack: null}],
    controllerId: 1,
    topics: (body.topics ?? []).map((topic) => ({errorCode: 0, name: topic.name, partitions: []})),
  })
}

const options = {clientId: 'test-client', requestTimeoutMs: 2000}

describe('BrokerConnection', () => {
  it('handshakes with ApiVersions first and speaks the highest version both sides know', async () => {
    const broker = await fakeBroker({
      ranges: [
        {apiKey: 18, minVersion: 0, maxVersion: 4},
        {apiKey: 3, minVersion: 0, maxVersion: 7},
      ],
      answer: metadataAnswer,
    })
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    expect(connection.versionFor(Metadata)).toBe(7)
    const response = await connection.request(Metadata, {topics: [{name: 'orders'}]})
    expect(response.topics.map((t) => t.name)).toEqual(['orders'])
    expect(broker.requests.map((r) => [r.apiKey, r.apiVersion])).toEqual([
      [18, 3],
      [3, 7],
    ])
    connection.close()
  })

  it('retries ApiVersions at the version an older broker offers', async () => {
    const broker = await fakeBroker({maxApiVersions: 2, answer: metadataAnswer})
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    expect(broker.requests.map((r) => r.apiVersion)).toEqual([3, 2])
    expect(connection.supports(Metadata)).toBe(true)
    connection.close()
  })

  it('refuses an API the broker does not offer with UNSUPPORTED_VERSION', async () => {
    const broker = await fakeBroker({ranges: [{apiKey: 18, minVersion: 0, maxVersion: 4}]})
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    expect(connection.supports(Metadata)).toBe(false)
    await expect(connection.request(Metadata, {topics: null})).rejects.toMatchObject({code: ErrorCode.UNSUPPORTED_VERSION})
    connection.close()
  })

  it('matches pipelined responses to their requests, even when frames arrive a byte at a time', async () => {
    const broker = await fakeBroker({answer: metadataAnswer, dribble: true})
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    const names = ['a', 'b', 'c', 'd', 'e']
    const answers = await Promise.all(names.map((name) => connection.request(Metadata, {topics: [{name}]})))
    expect(answers.map((answer) => answer.topics[0].name)).toEqual(names)
    connection.close()
  })

  it('fails with a connection error naming the address when nothing listens', async () => {
    const broker = await fakeBroker()
    await new Promise((resolve) => servers.pop()!.close(resolve))
    const opening = BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    await expect(opening).rejects.toBeInstanceOf(ConnectionError)
    await expect(opening).rejects.toMatchObject({code: 'ECONNREFUSED', address: '127.0.0.1', port: broker.port})
  })

  it('fails with ENOENT and the socket path when no local broker runs', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kbus-')), 'kbus.sock')
    await expect(BrokerConnection.open({path}, options)).rejects.toMatchObject({code: 'ENOENT', address: path})
  })

  it('times out a request the broker never answers and rejects everything behind it', async () => {
    const broker = await fakeBroker({answer: () => null})
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    const first = connection.request(Metadata, {topics: null}, {timeoutMs: 100})
    const second = connection.request(Metadata, {topics: null})
    await expect(first).rejects.toMatchObject({code: ErrorCode.REQUEST_TIMED_OUT})
    await expect(second).rejects.toBeInstanceOf(KafkaError)
    expect(connection.isOpen).toBe(false)
  })

  it('rejects in-flight requests when the broker drops the connection', async () => {
    const broker = await fakeBroker({
      answer: (_request, socket) => {
        socket.destroy()
        return null
      },
    })
    const connection = await BrokerConnection.open({host: '127.0.0.1', port: broker.port}, options)
    await expect(connection.request(Metadata, {topics: null})).rejects.toBeInstanceOf(ConnectionError)
    expect(connection.isOpen).toBe(false)
  })
})
