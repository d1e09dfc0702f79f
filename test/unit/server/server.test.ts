import {mkdtemp, stat} from 'node:fs/promises'
import {connect, type Socket} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'
import {silentLogger} from '../../../src/daemon/logger.js'
import type {ConnectionInfo, RequestHandler} from '../../../src/server/connection.js'
import {KafkaServer} from '../../../src/server/server.js'

/** A size-prefixed frame carrying `body`. */
function frame(body: string | Buffer): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body
  const out = Buffer.alloc(4 + bytes.length)
  out.writeInt32BE(bytes.length, 0)
  bytes.copy(out, 4)
  return out
}

/** Reads size-prefixed frames off a client socket. */
class FrameReader {
  private buffer = Buffer.alloc(0)
  private readonly frames: string[] = []
  private waiters: Array<() => void> = []
  closed = false

  constructor(socket: Socket) {
    socket.on('data', (chunk) => {
      this.buffer = Buffer.concat([this.buffer, chunk])
      while (this.buffer.length >= 4 && this.buffer.length >= 4 + this.buffer.readInt32BE(0)) {
        const size = this.buffer.readInt32BE(0)
        this.frames.push(this.buffer.subarray(4, 4 + size).toString())
        this.buffer = this.buffer.subarray(4 + size)
      }
      this.wake()
    })
    socket.on('close', () => {
      this.closed = true
      this.wake()
    })
    socket.on('error', () => {})
  }

  async next(count: number): Promise<string[]> {
    while (this.frames.length < count && !this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve))
    return this.frames.splice(0, count)
  }

  async untilClosed(): Promise<void> {
    while (!this.closed) await new Promise<void>((resolve) => this.waiters.push(resolve))
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter()
  }
}

/**
 * Echoes each request upper-cased. "slow:<ms>:x" answers after a delay, "silent" answers
 * nothing, "close" asks for the connection to be closed.
 */
class ToyHandler implements RequestHandler {
  closedConnections: ConnectionInfo[] = []
  seen: ConnectionInfo[] = []
  concurrent = 0
  maxConcurrent = 0

  async handle(request: Buffer, conn: ConnectionInfo): Promise<Buffer | Buffer[] | null> {
    this.seen.push(conn)
    const text = request.toString()
    this.concurrent++
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent)
    try {
      if (text.startsWith('slow:')) {
        const [, ms, rest] = text.split(':')
        await new Promise((resolve) => setTimeout(resolve, Number(ms)))
        return frame(rest.toUpperCase())
      }
      if (text === 'silent') return null
      if (text === 'close') throw Object.assign(new Error('asked to close'), {closeConnection: true})
      if (text.startsWith('parts:')) {
        const whole = frame(text.slice(6).toUpperCase())
        return [whole.subarray(0, 3), whole.subarray(3)]
      }
      return frame(text.toUpperCase())
    } finally {
      this.concurrent--
    }
  }

  connectionClosed(conn: ConnectionInfo): void {
    this.closedConnections.push(conn)
  }

  sentResponses: Buffer[][] = []

  responseSent(response: Buffer[]): void {
    this.sentResponses.push(response)
  }
}

const servers: KafkaServer[] = []
const sockets: Socket[] = []

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(servers.splice(0).map((server) => server.close({graceMs: 100})))
})

async function start(handler: RequestHandler, opts: {socketPath?: string; maxFrameBytes?: number; maxInFlight?: number} = {}) {
  const server = await KafkaServer.listen(handler, {
    tcp: [{host: '127.0.0.1', port: 0}],
    socketPath: opts.socketPath,
    maxFrameBytes: opts.maxFrameBytes ?? 1024,
    maxInFlight: opts.maxInFlight,
    logger: silentLogger,
  })
  servers.push(server)
  return server
}

async function dial(target: {port: number} | {path: string}): Promise<{socket: Socket; reader: FrameReader}> {
  const socket = 'port' in target ? connect(target.port, '127.0.0.1') : connect(target.path)
  sockets.push(socket)
  const reader = new FrameReader(socket)
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject))
  return {socket, reader}
}

describe('KafkaServer', () => {
  it('answers in request order even when a later request finishes first', async () => {
    const server = await start(new ToyHandler())
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(Buffer.concat([frame('slow:80:first'), frame('slow:1:second'), frame('third')]))
    expect(await reader.next(3)).toEqual(['FIRST', 'SECOND', 'THIRD'])
  })

  it('keeps order around requests that get no answer, and writes multi-buffer answers whole', async () => {
    const server = await start(new ToyHandler())
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(Buffer.concat([frame('slow:40:a'), frame('silent'), frame('parts:b'), frame('c')]))
    expect(await reader.next(3)).toEqual(['A', 'B', 'C'])
  })

  it('hands a multi-buffer answer back to the handler once the socket has taken all of it', async () => {
    const handler = new ToyHandler()
    const server = await start(handler)
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(Buffer.concat([frame('parts:lent'), frame('plain')]))
    expect(await reader.next(2)).toEqual(['LENT', 'PLAIN'])
    await expect.poll(() => handler.sentResponses.length).toBe(1)
    expect(Buffer.concat(handler.sentResponses[0]).subarray(4).toString()).toBe('LENT')
  })

  it('reassembles frames split across TCP chunks and splits merged ones', async () => {
    const server = await start(new ToyHandler())
    const {socket, reader} = await dial(server.tcpAddresses[0])
    const bytes = Buffer.concat([frame('one'), frame('two'), frame('three')])
    // Byte by byte: the size prefix itself arrives in pieces.
    for (const byte of bytes) {
      socket.write(Buffer.from([byte]))
      await new Promise((resolve) => setImmediate(resolve))
    }
    expect(await reader.next(3)).toEqual(['ONE', 'TWO', 'THREE'])
  })

  it("assembles split frames in the handler's frame buffers, which may carry one frame after another", async () => {
    // One buffer for every frame: each request must be whole and only its own bytes.
    const shared = Buffer.alloc(64)
    const taken: number[] = []
    const handler = Object.assign(new ToyHandler(), {
      frameBuffers: {
        take(length: number) {
          taken.push(length)
          return shared.subarray(0, length)
        },
      },
    })
    const server = await start(handler)
    const {socket, reader} = await dial(server.tcpAddresses[0])
    // Answered only once the server reads the connection, so the halves below arrive apart.
    socket.write(frame('hello'))
    expect(await reader.next(1)).toEqual(['HELLO'])
    for (const body of ['first-request', 'second', 'third-and-longest']) {
      const bytes = frame(body)
      socket.write(bytes.subarray(0, 7))
      await new Promise((resolve) => setImmediate(resolve))
      socket.write(bytes.subarray(7))
      expect(await reader.next(1)).toEqual([body.toUpperCase()])
    }
    expect(taken).toEqual([13, 6, 17])
  })

  it('closes the connection on an oversized or negative size prefix, before reading the body', async () => {
    const handler = new ToyHandler()
    const server = await start(handler, {maxFrameBytes: 16})
    const big = await dial(server.tcpAddresses[0])
    big.socket.write(frame('x'.repeat(17)))
    await big.reader.untilClosed()

    const negative = await dial(server.tcpAddresses[0])
    const prefix = Buffer.alloc(4)
    prefix.writeInt32BE(-1, 0)
    negative.socket.write(prefix)
    await negative.reader.untilClosed()

    const http = await dial(server.tcpAddresses[0])
    http.socket.write('GET / HTTP/1.1\r\n\r\n')
    await http.reader.untilClosed()
    expect(handler.seen).toEqual([])
  })

  it('accepts a frame of exactly the limit', async () => {
    const server = await start(new ToyHandler(), {maxFrameBytes: 16})
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(frame('y'.repeat(16)))
    expect(await reader.next(1)).toEqual(['Y'.repeat(16)])
  })

  it('closes the connection when the handler asks, and tells the handler it closed', async () => {
    const handler = new ToyHandler()
    const server = await start(handler)
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(Buffer.concat([frame('ok'), frame('close'), frame('never')]))
    await reader.untilClosed()
    expect(await reader.next(1)).toEqual(['OK'])
    await expect.poll(() => handler.closedConnections.length).toBe(1)
    expect(handler.closedConnections[0].listener).toBe('tcp')
  })

  it('never has more requests in flight per connection than its limit', async () => {
    const handler = new ToyHandler()
    const server = await start(handler, {maxInFlight: 2})
    const {socket, reader} = await dial(server.tcpAddresses[0])
    const requests = Array.from({length: 10}, (_, index) => frame(`slow:5:r${index}`))
    socket.write(Buffer.concat(requests))
    expect(await reader.next(10)).toEqual(Array.from({length: 10}, (_, index) => `R${index}`))
    expect(handler.maxConcurrent).toBe(2)
  })

  it('serves the same handler on a Unix socket created with mode 0600', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kbus-srv-'))
    const socketPath = join(dir, 'kbus.sock')
    const handler = new ToyHandler()
    await start(handler, {socketPath})
    expect((await stat(socketPath)).mode & 0o777).toBe(0o600)
    const {socket, reader} = await dial({path: socketPath})
    socket.write(frame('local'))
    expect(await reader.next(1)).toEqual(['LOCAL'])
    expect(handler.seen[0].listener).toBe('unix')
  })

  it('picks a free port for port 0 and reports it', async () => {
    const server = await start(new ToyHandler())
    const [address] = server.tcpAddresses
    expect(address.host).toBe('127.0.0.1')
    expect(address.port).toBeGreaterThan(0)
  })

  it('fails clearly when the port is taken, leaving nothing bound', async () => {
    const first = await start(new ToyHandler())
    const port = first.tcpAddresses[0].port
    await expect(
      KafkaServer.listen(new ToyHandler(), {tcp: [{host: '127.0.0.1', port}], maxFrameBytes: 1024, logger: silentLogger}),
    ).rejects.toThrow(`Cannot listen on TCP 127.0.0.1:${port}: the address is already in use`)
  })

  it('on close, answers requests already received before closing the connection', async () => {
    const handler = new ToyHandler()
    const server = await start(handler)
    const {socket, reader} = await dial(server.tcpAddresses[0])
    socket.write(frame('slow:50:inflight'))
    await expect.poll(() => handler.seen.length).toBe(1)
    await server.close({graceMs: 5_000})
    servers.splice(servers.indexOf(server), 1)
    expect(await reader.next(1)).toEqual(['INFLIGHT'])
    await reader.untilClosed()
  })
})
