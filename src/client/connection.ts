/**
 * One connection to one broker, over TCP or a Unix socket: size-prefixed frames, correlation
 * ids, pipelined requests answered in order, and the ApiVersions handshake that decides which
 * version of each API to speak. Knows nothing of topics or partitions.
 */
import {connect, type Socket} from 'node:net'
import {decodeResponse, encodeRequest, peekCorrelationId} from '../protocol/headers.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {ApiVersions} from '../protocol/messages/18-api-versions.js'
import type {ApiDefinition, Input, RequestOf, ResponseOf} from '../protocol/schema.js'
import {ConnectionError} from './errors.js'

export type BrokerAddress = {host: string; port: number} | {path: string}

export interface ConnectionOptions {
  clientId: string
  /** Sent in ApiVersions v3+ (Kafka shows it in broker logs and metrics). */
  softwareName?: string
  softwareVersion?: string
  connectTimeoutMs?: number
  requestTimeoutMs?: number
}

export function describeAddress(address: BrokerAddress): string {
  return 'path' in address ? address.path : `${address.host}:${address.port}`
}

interface InFlight {
  correlationId: number
  resolve(frame: Buffer): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

interface VersionRange {
  min: number
  max: number
}

const SIZE_PREFIX = 4
/** The ApiVersions version tried first: the newest request body kbus can encode. */
const API_VERSIONS_FIRST_TRY = 3

export class BrokerConnection {
  private readonly inFlight: InFlight[] = []
  private nextCorrelationId = 1
  private brokerVersions = new Map<number, VersionRange>()
  private failure: Error | undefined
  // Bytes received but not yet a whole frame: a list of chunks, the first read from `head`.
  private readonly chunks: Buffer[] = []
  private head = 0
  private buffered = 0
  private frameSize = -1

  private constructor(
    private readonly socket: Socket,
    readonly address: BrokerAddress,
    private readonly options: ConnectionOptions,
  ) {
    socket.on('data', (chunk: Buffer) => this.received(chunk))
    socket.on('error', (error: NodeJS.ErrnoException) => this.fail(this.dropped(error.code ?? 'ECONNRESET', error)))
    socket.on('close', () => this.fail(this.dropped('ECONNRESET')))
  }

  /** Connects and completes the ApiVersions handshake. */
  static async open(address: BrokerAddress, options: ConnectionOptions): Promise<BrokerConnection> {
    const socket = await openSocket(address, options.connectTimeoutMs ?? 10_000)
    const connection = new BrokerConnection(socket, address, options)
    try {
      await connection.handshake()
    } catch (error) {
      connection.close()
      throw error
    }
    return connection
  }

  get isOpen(): boolean {
    return this.failure === undefined
  }

  /** Whether the broker speaks this API at a version kbus can encode. */
  supports(api: ApiDefinition): boolean {
    return this.versionRangeFor(api) !== undefined
  }

  /** The highest version both sides speak; UNSUPPORTED_VERSION when there is none. */
  versionFor(api: ApiDefinition): number {
    const range = this.versionRangeFor(api)
    if (!range)
      throw new KafkaError(
        ErrorCode.UNSUPPORTED_VERSION,
        `The broker at ${describeAddress(this.address)} does not support ${api.name} at any version kbus speaks (${api.minVersion}-${api.maxVersion}).`,
      )
    return range.max
  }

  /** Sends a request and resolves with the decoded response. */
  async request<A extends ApiDefinition>(api: A, body: Input<RequestOf<A>>, opts: {timeoutMs?: number} = {}): Promise<ResponseOf<A>> {
    const version = this.versionFor(api)
    const frame = await this.exchange(api, version, body, opts.timeoutMs)
    return decodeResponse(api, version, frame).body
  }

  /** Sends a request the broker will not answer (Produce with acks=0); resolves once written. */
  async sendOnly<A extends ApiDefinition>(api: A, body: Input<RequestOf<A>>): Promise<void> {
    if (this.failure) throw this.failure
    const version = this.versionFor(api)
    const frame = encodeRequest(api, version, this.takeCorrelationId(), this.options.clientId, body)
    await new Promise<void>((resolve, reject) => {
      this.socket.write(frame, (error) => (error ? reject(this.failure ?? error) : resolve()))
    })
  }

  close(): void {
    this.fail(new ConnectionError(`Connection to ${describeAddress(this.address)} closed.`, 'ECONNRESET', this.where()))
    this.socket.destroy()
  }

  private async handshake(): Promise<void> {
    let version = API_VERSIONS_FIRST_TRY
    for (;;) {
      const frame = await this.exchange(ApiVersions, version, {
        clientSoftwareName: this.options.softwareName ?? 'kbus',
        clientSoftwareVersion: this.options.softwareVersion ?? '0.0.0',
      })
      // Whatever version was asked, an UNSUPPORTED_VERSION answer is a v0 body: error code first,
      // then the ApiVersions range the broker does have.
      const errorCode = frame.readInt16BE(4)
      if (errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0) {
        const {body} = decodeResponse(ApiVersions, 0, frame)
        const offered = body.apiKeys.find((range) => range.apiKey === ApiVersions.key)
        version = Math.min(version - 1, offered?.maxVersion ?? 0)
        continue
      }
      const {body} = decodeResponse(ApiVersions, version, frame)
      if (body.errorCode !== ErrorCode.NONE) throw new KafkaError(body.errorCode)
      this.brokerVersions = new Map(body.apiKeys.map((range) => [range.apiKey, {min: range.minVersion, max: range.maxVersion}]))
      return
    }
  }

  private versionRangeFor(api: ApiDefinition): VersionRange | undefined {
    const broker = this.brokerVersions.get(api.key)
    if (!broker) return undefined
    const min = Math.max(broker.min, api.minVersion)
    const max = Math.min(broker.max, api.maxVersion)
    return min <= max ? {min, max} : undefined
  }

  private exchange<A extends ApiDefinition>(api: A, version: number, body: Input<RequestOf<A>>, timeoutMs?: number): Promise<Buffer> {
    if (this.failure) return Promise.reject(this.failure)
    const correlationId = this.takeCorrelationId()
    const frame = encodeRequest(api, version, correlationId, this.options.clientId, body)
    const timeout = timeoutMs ?? this.options.requestTimeoutMs ?? 30_000
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Responses come in request order: once one is lost the connection cannot be trusted.
        const error = new KafkaError(
          ErrorCode.REQUEST_TIMED_OUT,
          `${api.name} request to ${describeAddress(this.address)} timed out after ${timeout} ms.`,
        )
        this.fail(error)
        this.socket.destroy()
      }, timeout)
      this.inFlight.push({correlationId, resolve, reject, timer})
      this.socket.write(frame)
    })
  }

  private takeCorrelationId(): number {
    const id = this.nextCorrelationId
    this.nextCorrelationId = id === 0x7fffffff ? 1 : id + 1
    return id
  }

  private received(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    for (;;) {
      if (this.frameSize < 0) {
        if (this.buffered < SIZE_PREFIX) return
        this.frameSize = this.take(SIZE_PREFIX).readInt32BE(0)
      }
      if (this.buffered < this.frameSize) return
      const frame = this.take(this.frameSize)
      this.frameSize = -1
      this.answer(frame)
      if (this.failure) return
    }
  }

  /** Removes `size` bytes from the front of what was received, copying only across chunks. */
  private take(size: number): Buffer {
    this.buffered -= size
    const first = this.chunks[0]
    if (first.length - this.head >= size) {
      const bytes = first.subarray(this.head, this.head + size)
      this.head += size
      if (this.head === first.length) {
        this.chunks.shift()
        this.head = 0
      }
      return bytes
    }
    const bytes = Buffer.allocUnsafe(size)
    let filled = 0
    while (filled < size) {
      const chunk = this.chunks[0]
      const count = Math.min(size - filled, chunk.length - this.head)
      chunk.copy(bytes, filled, this.head, this.head + count)
      filled += count
      this.head += count
      if (this.head === chunk.length) {
        this.chunks.shift()
        this.head = 0
      }
    }
    return bytes
  }

  private answer(frame: Buffer): void {
    const waiting = this.inFlight.shift()
    const correlationId = frame.length >= 4 ? peekCorrelationId(frame) : -1
    if (!waiting || waiting.correlationId !== correlationId) {
      const error = new KafkaError(
        ErrorCode.NETWORK_EXCEPTION,
        `The broker at ${describeAddress(this.address)} answered out of order (correlation id ${correlationId}, expected ${waiting?.correlationId ?? 'none'}).`,
      )
      if (waiting) {
        clearTimeout(waiting.timer)
        waiting.reject(error)
      }
      this.fail(error)
      this.socket.destroy()
      return
    }
    clearTimeout(waiting.timer)
    waiting.resolve(frame)
  }

  private fail(error: Error): void {
    if (!this.failure) this.failure = error
    for (const waiting of this.inFlight.splice(0)) {
      clearTimeout(waiting.timer)
      waiting.reject(this.failure)
    }
  }

  private dropped(code: string, cause?: Error): ConnectionError {
    const target = describeAddress(this.address)
    return new ConnectionError(`The broker at ${target} closed the connection (${code}).`, code, this.where(), {cause})
  }

  private where(): {address: string; port?: number} {
    return 'path' in this.address ? {address: this.address.path} : {address: this.address.host, port: this.address.port}
  }
}

function openSocket(address: BrokerAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = 'path' in address ? connect({path: address.path}) : connect({host: address.host, port: address.port})
    const where = 'path' in address ? {address: address.path} : {address: address.host, port: address.port}
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new ConnectionError(`Timed out connecting to ${describeAddress(address)} after ${timeoutMs} ms.`, 'ETIMEDOUT', where))
    }, timeoutMs)
    socket.once('connect', () => {
      clearTimeout(timer)
      socket.removeAllListeners('error')
      socket.setNoDelay(true)
      resolve(socket)
    })
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer)
      const code = error.code ?? 'ECONNREFUSED'
      reject(new ConnectionError(`Cannot connect to ${describeAddress(address)} (${code}).`, code, where, {cause: error}))
    })
  })
}
