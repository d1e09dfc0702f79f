/**
 * What a partition remembers of each idempotent producer (Kafka's ProducerStateEntry): its epoch,
 * when it last wrote, and the sequence ranges and offsets of its last five batches, so a retry of
 * any batch a client may still have in flight is recognised. Pure data: the log feeds it every
 * idempotent batch it appends or finds on disk, the broker reads it to check sequences, and
 * producer-snapshot.ts persists it.
 */
import type {BatchHeader} from '../protocol/record-batch.js'

/** Kafka keeps five: a client with more batches in flight could not be deduplicated. */
export const BATCHES_TO_RETAIN = 5
const INT32_MAX = 2_147_483_647

export interface ProducerBatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
}

export interface ProducerEntry {
  readonly producerId: number
  epoch: number
  /** The maxTimestamp of the producer's last batch (Kafka's lastTimestamp): expiry counts from it. */
  lastTimestamp: number
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: ProducerBatchMetadata[]
}

/** The header fields that move a producer's state. */
export type IdempotentBatchFields = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'maxTimestamp'>

/** The batch spans baseSequence..baseSequence+lastOffsetDelta, wrapping after INT32_MAX to 0. */
export function lastSequenceOf(batch: Pick<BatchHeader, 'baseSequence' | 'lastOffsetDelta'>): number {
  return batch.baseSequence > INT32_MAX - batch.lastOffsetDelta
    ? batch.baseSequence + batch.lastOffsetDelta - INT32_MAX - 1
    : batch.baseSequence + batch.lastOffsetDelta
}

export function nextSequence(sequence: number): number {
  return sequence === INT32_MAX ? 0 : sequence + 1
}

export class ProducerStateTable {
  private readonly producers = new Map<number, ProducerEntry>()

  static of(entries: Iterable<ProducerEntry>): ProducerStateTable {
    const table = new ProducerStateTable()
    for (const entry of entries) table.producers.set(entry.producerId, entry)
    return table
  }

  get size(): number {
    return this.producers.size
  }

  get(producerId: number): ProducerEntry | undefined {
    return this.producers.get(producerId)
  }

  entries(): ProducerEntry[] {
    return [...this.producers.values()]
  }

  /** The last offset of each producer's newest batch, by producer id. */
  lastOffsets(): Map<number, number> {
    const offsets = new Map<number, number>()
    for (const {producerId, batches} of this.producers.values()) {
      if (batches.length > 0) offsets.set(producerId, batches[batches.length - 1].lastOffset)
    }
    return offsets
  }

  /** Notes a batch stored at `firstOffset`. A new epoch starts the producer's history afresh. */
  record(batch: IdempotentBatchFields, firstOffset: number): void {
    let entry = this.producers.get(batch.producerId)
    if (!entry || entry.epoch !== batch.producerEpoch) {
      entry = {producerId: batch.producerId, epoch: batch.producerEpoch, lastTimestamp: -1, batches: []}
      this.producers.set(batch.producerId, entry)
    }
    entry.lastTimestamp = batch.maxTimestamp
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset,
      lastOffset: firstOffset + batch.lastOffsetDelta,
    })
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift()
  }

  /**
   * Forgets producers whose last batch is `expirationMs` or more older than `now`
   * (producer.id.expiration.ms); returns how many went.
   */
  removeExpired(now: number, expirationMs: number): number {
    let removed = 0
    for (const [producerId, entry] of this.producers) {
      if (now - entry.lastTimestamp < expirationMs) continue
      this.producers.delete(producerId)
      removed++
    }
    return removed
  }
}
