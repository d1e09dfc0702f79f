/**
 * The producer's buffer: records gathered into one open batch per partition until the batch is
 * full (batch.size) or has waited linger.ms, then sealed and queued for sending in order. Pure
 * bookkeeping with the clock passed in, so the size and linger rules test without sockets.
 */
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
}

interface PartitionQueue {
  open: Batch | undefined
  sealed: Batch[]
  /** A batch of this partition is at the broker: the next waits, so retries cannot reorder records. */
  inFlight: boolean
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

  constructor(
    private readonly batchSize: number,
    private readonly lingerMs: number,
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
    queue.open ??= {topic, partition, records: [], bytes: 0, createdAt: now, attempts: 0, notBefore: 0}
    queue.open.records.push(record)
    queue.open.bytes += size
    this.bufferedBytes += size
    if (BATCH_OVERHEAD + queue.open.bytes >= this.batchSize) sealed = this.seal(queue) ?? sealed
    return sealed
  }

  /**
   * Seals open batches that have lingered long enough (all of them when `flushing`) and returns
   * every sealed batch the broker may take now: the head of each partition's queue, and only
   * while no other batch of that partition is in flight, so a partition's batches land in order
   * even when one is retried or split. Sealed batches are reported through `onSeal`.
   */
  ready(now: number, flushing: boolean, onSeal: (batch: Batch) => void): Batch[] {
    const heads: Batch[] = []
    for (const partitions of this.queues.values()) {
      for (const queue of partitions) {
        if (!queue) continue
        if (queue.open && (flushing || now - queue.open.createdAt >= this.lingerMs)) onSeal(this.seal(queue)!)
        const head = queue.sealed[0]
        if (head && !queue.inFlight && head.notBefore <= now) heads.push(head)
      }
    }
    return heads
  }

  /** Takes a batch returned by `ready` out of its queue, to be sent; its partition waits for it. */
  take(batch: Batch): void {
    const queue = this.queue(batch.topic, batch.partition)
    if (queue.sealed[0] === batch) queue.sealed.shift()
    else queue.sealed.splice(queue.sealed.indexOf(batch), 1)
    queue.inFlight = true
  }

  /** Puts batches back at the front of their partition's queue (a retry, or the halves of a split). */
  requeue(batches: Batch[]): void {
    for (let index = batches.length - 1; index >= 0; index--) {
      const queue = this.queue(batches[index].topic, batches[index].partition)
      queue.sealed.unshift(batches[index])
      queue.inFlight = false
    }
  }

  /** A batch left the producer for good (acknowledged or failed): its partition may send again. */
  release(batch: Batch): void {
    this.bufferedBytes -= batch.bytes
    this.queue(batch.topic, batch.partition).inFlight = false
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
      queue = {open: undefined, sealed: [], inFlight: false}
      partitions[partition] = queue
    }
    return queue
  }
}

/** Splits a batch the broker found too large into two halves that keep the records' order. */
export function splitBatch(batch: Batch, sizeOf: (record: PendingRecord) => number): [Batch, Batch] {
  const middle = Math.ceil(batch.records.length / 2)
  const half = (records: PendingRecord[]): Batch => ({
    ...batch,
    records,
    bytes: records.reduce((sum, record) => sum + sizeOf(record), 0),
    attempts: 0,
  })
  return [half(batch.records.slice(0, middle)), half(batch.records.slice(middle))]
}
