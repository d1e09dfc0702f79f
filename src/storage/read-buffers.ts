/**
 * Buffers for the segment bytes a Fetch sends, reused once the socket has taken them. A fresh
 * megabyte per fetch is memory outside V8's heap, and V8 answers that pressure with a full
 * mark-compact every few dozen fetches: tens of milliseconds during which no request moves.
 *
 * Best effort: whoever sends the bytes hands the buffer back; one never handed back (a read
 * whose bytes were not sent, a closed connection) is simply garbage collected.
 */

/** Reads below this are served by Node's own small-buffer pool. */
const MIN_POOLED_BYTES = 64 * 1024
/** Capacities are rounded up to this, so buffers of about the same size are interchangeable. */
const GRANULE = 64 * 1024
/** Larger reads are rare (a big fetch.max.bytes): allocated, not kept. */
const MAX_POOLED_BUFFER = 16 * 1024 * 1024
/** What the pool may hold while no fetch uses it. */
const MAX_IDLE_BYTES = 64 * 1024 * 1024

export class ReadBufferPool {
  private readonly idle = new Map<number, ArrayBuffer[]>()
  private readonly lent = new WeakSet<ArrayBuffer>()
  private idleBytes = 0

  /** A buffer of `length` bytes, its contents undefined. */
  take(length: number): Buffer {
    if (length < MIN_POOLED_BYTES || length > MAX_POOLED_BUFFER) return Buffer.allocUnsafe(length)
    const capacity = Math.ceil(length / GRANULE) * GRANULE
    let memory = this.idle.get(capacity)?.pop()
    if (memory) this.idleBytes -= capacity
    else memory = new ArrayBuffer(capacity)
    this.lent.add(memory)
    return Buffer.from(memory, 0, length)
  }

  /**
   * The bytes of `chunk` are no longer needed by anyone: the buffer it views may be lent again.
   * Chunks of other buffers are ignored, and a buffer comes back at most once however many of
   * its views are handed in.
   */
  giveBack(chunk: Uint8Array): void {
    const memory = chunk.buffer
    if (!(memory instanceof ArrayBuffer) || !this.lent.delete(memory)) return
    if (this.idleBytes + memory.byteLength > MAX_IDLE_BYTES) return
    let stack = this.idle.get(memory.byteLength)
    if (!stack) this.idle.set(memory.byteLength, (stack = []))
    stack.push(memory)
    this.idleBytes += memory.byteLength
  }
}

/** The pool Fetch reads draw from; the broker gives buffers back once a response is sent. */
export const fetchReadBuffers = new ReadBufferPool()
