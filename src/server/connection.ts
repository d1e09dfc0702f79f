/**
 * One client connection: cuts the byte stream into size-prefixed frames, hands each to the
 * request handler, and writes the answers back in request order. It knows nothing of any Kafka
 * API: a frame is opaque bytes here.
 */
import type {Socket} from 'node:net'
import type {Logger} from '../daemon/logger.js'

export interface ConnectionInfo {
  id: number
  listener: 'tcp' | 'unix'
  remoteAddress: string
}

export interface RequestHandler {
  /**
   * Answers one request frame (without its size prefix). The response must include its own size
   * prefix; `null` means the request gets no answer (Produce with acks=0). Throwing an error
   * carrying `closeConnection: true` closes the connection instead of answering.
   */
  handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | Buffer[] | null>
  /** The socket has taken every byte of `response`: buffers the handler lent for it may be reused. */
  responseSent?(response: Buffer[]): void
  connectionClosed?(conn: ConnectionInfo): void
  /**
   * Where a frame that spans several socket reads is assembled. The handler hands a frame back
   * to it once nothing views the frame's bytes any more; without it each such frame is a fresh
   * allocation.
   */
  readonly frameBuffers?: FrameBuffers
}

export interface FrameBuffers {
  /** A buffer of exactly `length` bytes, its contents undefined. */
  take(length: number): Buffer
}

export interface ConnectionLimits {
  /** socket.request.max.bytes: a larger (or negative) size prefix closes the connection. */
  maxFrameBytes: number
  /** Requests handed to the handler and not yet answered; past this the connection stops reading. */
  maxInFlight: number
}

/** A request slot in arrival order; answers leave only from the front of the queue. */
interface Slot {
  done: boolean
  response: Buffer | Buffer[] | null
}

const SIZE_PREFIX = 4
const HALF_CLOSE_GRACE_MS = 1_000

export class Connection {
  private readonly chunks: Buffer[] = []
  private buffered = 0
  /** Size of the frame being assembled, or -1 while waiting for its size prefix. */
  private frameSize = -1
  private readonly inFlight: Slot[] = []
  private closed = false
  private draining = false
  private writeScheduled = false
  private readonly idle: Array<() => void> = []

  constructor(
    private readonly socket: Socket,
    readonly info: ConnectionInfo,
    private readonly handler: RequestHandler,
    private readonly limits: ConnectionLimits,
    private readonly logger: Logger,
  ) {
    socket.on('data', (chunk: Buffer) => this.receive(chunk))
    socket.on('drain', () => this.readFrames())
    // A peer that resets or vanishes is routine; without a listener the error would crash the daemon.
    socket.on('error', (error: NodeJS.ErrnoException) => this.logger.debug(`${this.describe()}: ${error.code ?? error.message}`))
    socket.on('close', () => this.onClose())
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Stops taking new requests; resolves once every request already read has been answered. */
  drain(): Promise<void> {
    this.draining = true
    this.socket.pause()
    if (this.closed || this.inFlight.length === 0) return Promise.resolve()
    return new Promise((resolve) => this.idle.push(resolve))
  }

  /** Ends the connection after the answers already written; `force` drops it at once. */
  close(force = false): void {
    if (this.closed) return
    if (force) {
      this.socket.destroy()
      return
    }
    this.socket.end()
    // A peer that never closes its half would hold the broker's shutdown open.
    setTimeout(() => this.socket.destroy(), HALF_CLOSE_GRACE_MS).unref()
  }

  private receive(chunk: Buffer): void {
    this.chunks.push(chunk)
    this.buffered += chunk.length
    this.readFrames()
  }

  /** Cuts as many whole frames as the buffered bytes and the in-flight limit allow. */
  private readFrames(): void {
    while (!this.closed && !this.draining && this.inFlight.length < this.limits.maxInFlight) {
      if (this.frameSize < 0) {
        if (this.buffered < SIZE_PREFIX) break
        const size = this.take(SIZE_PREFIX).readInt32BE(0)
        if (size < 0 || size > this.limits.maxFrameBytes) {
          this.logger.warn(
            `${this.describe()}: closing, request size ${size} is outside 0..${this.limits.maxFrameBytes} (socket.request.max.bytes)` +
              (size === 0x47455420 ? ' — this looks like HTTP sent to a Kafka port' : ''),
          )
          this.socket.destroy()
          return
        }
        this.frameSize = size
      }
      if (this.buffered < this.frameSize) break
      const frame = this.take(this.frameSize)
      this.frameSize = -1
      this.dispatch(frame)
    }
    this.updateFlow()
  }

  /** Removes `count` bytes from the front of the buffered chunks, copying only when they span chunks. */
  private take(count: number): Buffer {
    this.buffered -= count
    const first = this.chunks[0]
    if (first.length === count) return this.chunks.shift()!
    if (first.length > count) {
      this.chunks[0] = first.subarray(count)
      return first.subarray(0, count)
    }
    const out = this.handler.frameBuffers?.take(count) ?? Buffer.allocUnsafe(count)
    let filled = 0
    while (filled < count) {
      const chunk = this.chunks[0]
      const used = Math.min(chunk.length, count - filled)
      chunk.copy(out, filled, 0, used)
      filled += used
      if (used === chunk.length) this.chunks.shift()
      else this.chunks[0] = chunk.subarray(used)
    }
    return out
  }

  private dispatch(frame: Buffer): void {
    const slot: Slot = {done: false, response: null}
    this.inFlight.push(slot)
    Promise.resolve()
      .then(() => this.handler.handle(frame, this.info))
      .then(
        (response) => {
          slot.response = response
          slot.done = true
          this.scheduleWrite()
        },
        (error: Error & {closeConnection?: boolean}) => {
          if (error?.closeConnection) this.logger.info(`${this.describe()}: closing, ${error.message}`)
          else this.logger.error(`${this.describe()}: request failed, closing: ${error?.stack ?? String(error)}`)
          // The answers to earlier requests still go out first.
          if (!this.closed) this.writeAnswers()
          this.socket.destroy()
        },
      )
  }

  /**
   * Writes the ready answers once this turn of the event loop is done with its callbacks: the
   * appends of one group commit resolve one by one, and answering each at once cost a send (and a
   * wake-up of the client) per answer. A Java producer's acks=all 1 KB run: +3-8%, both orders.
   */
  private scheduleWrite(): void {
    if (this.writeScheduled) return
    this.writeScheduled = true
    setImmediate(() => {
      this.writeScheduled = false
      this.writeReady()
    })
  }

  /** Writes the ready answers, then reads on: a request slot has come free. */
  private writeReady(): void {
    if (this.closed) return
    this.writeAnswers()
    this.readFrames()
  }

  /** Writes every answer at the front of the queue that is ready: request order, always. */
  private writeAnswers(): void {
    this.socket.cork()
    while (this.inFlight.length > 0 && this.inFlight[0].done) {
      const {response} = this.inFlight.shift()!
      if (response === null) continue
      if (Array.isArray(response)) this.writeChunks(response)
      else this.socket.write(response)
    }
    this.socket.uncork()
    if (this.inFlight.length === 0) this.settleIdle()
  }

  private writeChunks(response: Buffer[]): void {
    const last = response.length - 1
    for (let i = 0; i < last; i++) this.socket.write(response[i])
    // The callbacks run in write order, so the last one means the socket has taken them all.
    this.socket.write(response[last], (error) => {
      if (!error) this.handler.responseSent?.(response)
    })
  }

  /** Reads only while the peer is within its in-flight budget and our writes are draining. */
  private updateFlow(): void {
    if (this.closed || this.draining) return
    const blocked = this.inFlight.length >= this.limits.maxInFlight || this.socket.writableNeedDrain
    if (blocked && !this.socket.isPaused()) this.socket.pause()
    else if (!blocked && this.socket.isPaused()) this.socket.resume()
  }

  private onClose(): void {
    this.closed = true
    this.inFlight.length = 0
    this.chunks.length = 0
    this.settleIdle()
    this.handler.connectionClosed?.(this.info)
  }

  private settleIdle(): void {
    for (const resolve of this.idle.splice(0)) resolve()
  }

  private describe(): string {
    return `connection ${this.info.id} (${this.info.listener} ${this.info.remoteAddress})`
  }
}
