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
}

/** RecordBatch v2 header bytes (Kafka's RECORD_BATCH_OVERHEAD). */
export const BATCH_OVERHEAD = 61

/**
 * An upper bound on a record's encoded size (Kafka's estimateSizeInBytesUpperBound): the fixed
 * varints at their widest plus the bytes themselves.
 */
export function estimateRecordSize(key: Buffer | null, value: Buffer | null, headers: RecordHeader[] | undefined): number {
  let size = 21 + (key?.length ?? 0) + (value?.length ?? 0)
  if (headers) for (const header of headers) size += 10 + Buffer.byteLength(header.key) + (header.value?.length ?? 0)
  return size
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
   * every sealed batch the broker may take now: the head of each partition's queue, so batches
   * of one partition go out in order. Sealed batches are reported through `onSeal`.
   */
  ready(now: number, flushing: boolean, onSeal: (batch: Batch) => void): Batch[] {
    const heads: Batch[] = []
    for (const partitions of this.queues.values()) {
      for (const queue of partitions) {
        if (!queue) continue
        if (queue.open && (flushing || now - queue.open.createdAt >= this.lingerMs)) onSeal(this.seal(queue)!)
        const head = queue.sealed[0]
        if (head && head.notBefore <= now) heads.push(head)
      }
    }
    return heads
  }

  /** Takes a batch returned by `ready` out of its queue, to be sent. */
  take(batch: Batch): void {
    const queue = this.queue(batch.topic, batch.partition)
    if (queue.sealed[0] === batch) queue.sealed.shift()
    else queue.sealed.splice(queue.sealed.indexOf(batch), 1)
  }

  /** Puts batches back at the front of their partition's queue (a retry, or the halves of a split). */
  requeue(batches: Batch[]): void {
    for (let index = batches.length - 1; index >= 0; index--) {
      const batch = batches[index]
      this.queue(batch.topic, batch.partition).sealed.unshift(batch)
    }
  }

  /** A batch left the producer for good (acknowledged or failed). */
  release(batch: Batch): void {
    this.bufferedBytes -= batch.bytes
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
      queue = {open: undefined, sealed: []}
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
