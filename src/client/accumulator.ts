/**
 * The producer's buffer: records gathered into one open batch per partition until the batch is
 * full (batch.size) or has waited linger.ms, then sealed and queued for sending in order. Pure
 * bookkeeping with the clock passed in, so the size, linger and in-flight rules test without
 * sockets.
 */
import {incrementSequence} from './idempotence.js'
import type {RecordHeader} from './types.js'

export interface PendingRecord {
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[] | undefined
  timestamp: number
  /** 1-based position in the order records were sent, to name a failed one. */
  seq: number
}

export interface Batch {
  topic: string
  partition: number
  records: PendingRecord[]
  /** Estimated encoded size of the records (what batch.size is compared to). */
  bytes: number
  createdAt: number
  /** Sends so far; a retry goes back to the front of its partition's queue. */
  attempts: number
  /** Not before this time (retry backoff). */
  notBefore: number
  /**
   * The idempotent producer's sequence number for the first record, stamped when the batch first
   * goes out and kept across retries so the broker recognises a batch it already wrote; -1 none.
   */
  baseSequence: number
}

interface PartitionQueue {
  open: Batch | undefined
  /** Waiting to be sent, oldest records first. */
  sealed: Batch[]
  /** Batches of this partition at the broker now. */
  inFlight: number
}

/** RecordBatch v2 header bytes (Kafka's RECORD_BATCH_OVERHEAD). */
export const BATCH_OVERHEAD = 61

/**
 * A record's encoded size inside a batch, close to exact: its fields and their varint lengths,
 * with the timestamp and offset deltas taken at their widest for a batch of batch.size. Batches
 * are filled by this estimate, so it must not be far below the truth (the broker would see
 * larger batches) nor far above it (batches would go out half full).
 */
export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | undefined): number {
  let body = 1 + MAX_DELTA_BYTES * 2 + bytesFieldSize(key?.length) + bytesFieldSize(value?.length) + 1
  if (headers)
    for (const header of headers) {
      body += bytesFieldSize(Buffer.byteLength(header.key)) + bytesFieldSize(header.value?.length)
    }
  return body + varintBytes(body)
}

/** A timestamp delta up to ~17 minutes, or an offset delta up to ~1M records, fits in 3 bytes. */
const MAX_DELTA_BYTES = 3

function bytesFieldSize(length: number | undefined): number {
  return length === undefined ? 1 : varintBytes(length * 2) + length
}

function varintBytes(unsigned: number): number {
  return unsigned < 0x80 ? 1 : unsigned < 0x4000 ? 2 : unsigned < 0x200000 ? 3 : unsigned < 0x10000000 ? 4 : 5
}

export class RecordAccumulator {
  private readonly queues = new Map<string, PartitionQueue[]>()
  /** Record bytes held here and in flight; the producer compares it to buffer.memory. */
  bufferedBytes = 0

  /**
   * `maxInFlightPerPartition`: 1 unless the producer is idempotent. Without sequence numbers a
   * retried batch could land behind the next one; with them the broker refuses anything out of
   * order, so up to max.in.flight.requests.per.connection batches of a partition may be out.
   */
  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
    private readonly maxInFlightPerPartition = 1,
  ) {}

  /**
   * Whether `size` more bytes would overflow the partition's open batch. An empty batch always
   * takes one record, however large: a record is never split.
   */
  wouldSeal(topic: string, partition: number, size: number): boolean {
    const open = this.queue(topic, partition).open
    return open !== undefined && open.records.length > 0 && BATCH_OVERHEAD + open.bytes + size > this.batchSize
  }

  /** Appends to the partition's open batch; returns a batch this sealed (to make room, or because it is full). */
  append(topic: string, partition: number, record: PendingRecord, size: number, now: number): Batch | undefined {
    const queue = this.queue(topic, partition)
    let sealed: Batch | undefined
    if (this.wouldSeal(topic, partition, size)) sealed = this.seal(queue)
    queue.open ??= {topic, partition, records: [], bytes: 0, createdAt: now, attempts: 0, notBefore: 0, baseSequence: -1}
    queue.open.records.push(record)
    queue.open.bytes += size
    this.bufferedBytes += size
    if (BATCH_OVERHEAD + queue.open.bytes >= this.batchSize) sealed = this.seal(queue) ?? sealed
    return sealed
  }

  /**
   * Seals open batches that have lingered long enough (all of them when `flushing`) and returns
   * every sealed batch the broker may take now: the head of each partition's queue while fewer
   * than the allowed number of that partition's batches are in flight. A batch that already
   * carries a sequence number is going out again and waits until none are, so resent batches
   * reach the broker in sequence order. Sealed batches are reported through `onSeal`.
   */
  ready(now: number, flushing: boolean, onSeal: (batch: Batch) => void): Batch[] {
    const heads: Batch[] = []
    for (const partitions of this.queues.values()) {
      for (const queue of partitions) {
        if (!queue) continue
        if (queue.open && (flushing || now - queue.open.createdAt >= this.lingerMs)) onSeal(this.seal(queue)!)
        const head = queue.sealed[0]
        if (!head || head.notBefore > now) continue
        const room = head.baseSequence >= 0 ? queue.inFlight === 0 : queue.inFlight < this.maxInFlightPerPartition
        if (room) heads.push(head)
      }
    }
    return heads
  }

  /** Takes a batch returned by `ready` out of its queue, to be sent; it counts as in flight. */
  take(batch: Batch): void {
    const queue = this.queue(batch.topic, batch.partition)
    if (queue.sealed[0] === batch) queue.sealed.shift()
    else queue.sealed.splice(queue.sealed.indexOf(batch), 1)
    queue.inFlight++
  }

  /** Seals and takes every batch still waiting, for a producer that can send nothing more. */
  takeAll(): Batch[] {
    const taken: Batch[] = []
    for (const partitions of this.queues.values())
      for (const queue of partitions) {
        if (!queue) continue
        this.seal(queue)
        for (const batch of [...queue.sealed]) {
          this.take(batch)
          taken.push(batch)
        }
      }
    return taken
  }

  /**
   * A sent batch comes back to be sent again: itself (a retry) or `replacements` (the halves of
   * a split). They go back in record order, ahead of later batches of their partition, whatever
   * order their answers arrived in.
   */
  requeue(sent: Batch, replacements: Batch[] = [sent]): void {
    const queue = this.queue(sent.topic, sent.partition)
    queue.inFlight--
    for (const batch of replacements) {
      const first = batch.records[0].seq
      const at = queue.sealed.findIndex((queued) => queued.records[0].seq > first)
      queue.sealed.splice(at < 0 ? queue.sealed.length : at, 0, batch)
    }
  }

  /** A sent batch left the producer for good (acknowledged or failed). */
  release(batch: Batch): void {
    this.bufferedBytes -= batch.bytes
    this.queue(batch.topic, batch.partition).inFlight--
  }

  /** When the next open batch's linger runs out, or of a backed-off retry; undefined if none. */
  nextDeadline(): number | undefined {
    let next: number | undefined
    for (const partitions of this.queues.values()) {
      for (const queue of partitions) {
        if (!queue) continue
        if (queue.open) next = Math.min(next ?? Infinity, queue.open.createdAt + this.lingerMs)
        const head = queue.sealed[0]
        if (head && head.notBefore > 0) next = Math.min(next ?? Infinity, head.notBefore)
      }
    }
    return next
  }

  private seal(queue: PartitionQueue): Batch | undefined {
    const batch = queue.open
    if (!batch || batch.records.length === 0) return undefined
    queue.open = undefined
    queue.sealed.push(batch)
    return batch
  }

  private queue(topic: string, partition: number): PartitionQueue {
    let partitions = this.queues.get(topic)
    if (!partitions) {
      partitions = []
      this.queues.set(topic, partitions)
    }
    let queue = partitions[partition]
    if (!queue) {
      queue = {open: undefined, sealed: [], inFlight: 0}
      partitions[partition] = queue
    }
    return queue
  }
}

/**
 * Splits a batch the broker found too large into two halves that keep the records' order. A
 * sequenced batch's halves share its sequence range, so the batches after it keep theirs.
 */
export function splitBatch(batch: Batch, sizeOf: (record: PendingRecord) => number): [Batch, Batch] {
  const middle = Math.ceil(batch.records.length / 2)
  const half = (records: PendingRecord[], baseSequence: number): Batch => ({
    ...batch,
    records,
    bytes: records.reduce((sum, record) => sum + sizeOf(record), 0),
    attempts: 0,
    baseSequence,
  })
  const secondSequence = batch.baseSequence < 0 ? -1 : incrementSequence(batch.baseSequence, middle)
  return [half(batch.records.slice(0, middle), batch.baseSequence), half(batch.records.slice(middle), secondSequence)]
}
