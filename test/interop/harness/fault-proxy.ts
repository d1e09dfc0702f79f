/**
 * A TCP proxy in front of a broker that forces a Produce retry: it reads Kafka's size-prefixed
 * frames both ways, and for the first N Produce requests after it is armed (one per connection:
 * the first one's response ends it) it forwards the request (so the broker appends the batch) but
 * drops the response and closes the client's connection.
 * The client cannot know the write landed and must send the same batch again on a new connection:
 * an idempotent producer's retry must then be recognised as a duplicate, a plain one's is not.
 * The broker advertises the proxy's address, so every connection a client opens goes through it.
 */
import {type AddressInfo, type Server, type Socket, createConnection, createServer} from 'node:net'

const PRODUCE_API_KEY = 0
/** Request frames: size(4) api_key(2) api_version(2) correlation_id(4) …; responses: size(4) correlation_id(4) …. */
const REQUEST_HEADER_BYTES = 12
const RESPONSE_HEADER_BYTES = 8

/** Splits a byte stream into whole size-prefixed frames, keeping the unfinished tail for later. */
class FrameReader {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Buffer[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk])
    const frames: Buffer[] = []
    while (this.pending.length >= 4) {
      const end = 4 + this.pending.readInt32BE(0)
      if (this.pending.length < end) break
      frames.push(this.pending.subarray(0, end))
      this.pending = this.pending.subarray(end)
    }
    return frames
  }
}

export class FaultProxy {
  /** Produce requests still to be sabotaged. */
  private armed = 0
  private droppedCount = 0
  private producesSeen = 0
  private upstreamPort = 0
  private readonly sockets = new Set<Socket>()

  private constructor(private readonly server: Server) {
    server.on('connection', (client) => this.bridge(client))
  }

  /** Listens on a free loopback port; the broker behind it is named later with `forwardTo`. */
  static async start(): Promise<FaultProxy> {
    const server = createServer()
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => resolve())
    })
    return new FaultProxy(server)
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  get bootstrap(): string {
    return `127.0.0.1:${this.port}`
  }

  forwardTo(port: number): void {
    this.upstreamPort = port
  }

  /** Sabotages the next `count` Produce requests, each on its own connection; resets what `dropped` and `produces` report. */
  arm(count: number): void {
    this.armed = count
    this.droppedCount = 0
    this.producesSeen = 0
  }

  /** Sabotages nothing more; `dropped` and `produces` keep what they counted. */
  disarm(): void {
    this.armed = 0
  }

  /** Produce responses dropped (each with its connection) since the last `arm`. */
  get dropped(): number {
    return this.droppedCount
  }

  /** Produce requests forwarded since the last `arm`, sabotaged or not. */
  get produces(): number {
    return this.producesSeen
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private bridge(client: Socket): void {
    const upstream = createConnection({host: '127.0.0.1', port: this.upstreamPort})
    this.sockets.add(client).add(upstream)
    /** Correlation ids of this connection's sabotaged Produce requests. */
    const doomed = new Set<number>()
    const requests = new FrameReader()
    const responses = new FrameReader()
    const hangUp = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('data', (chunk: Buffer) => {
      for (const frame of requests.push(chunk)) {
        if (frame.length >= REQUEST_HEADER_BYTES && frame.readInt16BE(4) === PRODUCE_API_KEY) {
          this.producesSeen++
          if (this.armed > 0 && doomed.size === 0) {
            this.armed--
            doomed.add(frame.readInt32BE(8))
          }
        }
        upstream.write(frame)
      }
    })
    upstream.on('data', (chunk: Buffer) => {
      for (const frame of responses.push(chunk)) {
        if (frame.length >= RESPONSE_HEADER_BYTES && doomed.has(frame.readInt32BE(4))) {
          // The broker has answered, so the batch is in its log: the client is told nothing of it.
          this.droppedCount++
          hangUp()
          return
        }
        client.write(frame)
      }
    })
    for (const socket of [client, upstream]) {
      socket.on('error', hangUp)
      socket.on('close', () => {
        this.sockets.delete(socket)
        hangUp()
      })
    }
  }
}
