/**
 * What a partition remembers of each idempotent producer (Kafka's ProducerStateEntry): its epoch,
 * when it last wrote, the sequence ranges and offsets of its last five batches, so a retry of any
 * batch a client may still have in flight is recognised, and where its open transaction, if any,
 * began. Of the partition as a whole it also keeps the transactions that ended in an abort (Kafka's
 * transaction index), which a read_committed Fetch must list. Pure data: the log feeds it every
 * idempotent batch and transaction marker it appends or finds on disk, the broker reads it to
 * check sequences and to find the last stable offset, and producer-snapshot.ts persists it.
 */
import type {BatchHeader} from '../protocol/record-batch.js'
import {ATTR_TRANSACTIONAL} from '../protocol/record-batch.js'
import type {EndTxnMarkerKind} from '../protocol/end-txn-marker.js'

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
  /** The maxTimestamp of the producer's last batch or marker (Kafka's lastTimestamp): expiry counts from it. */
  lastTimestamp: number
  /**
   * Oldest first, at most BATCHES_TO_RETAIN. Empty when a marker created the entry or moved it to
   * a new epoch: the producer has written no data batch in that epoch here yet.
   */
  batches: ProducerBatchMetadata[]
  /**
   * The offset of the first batch of the producer's transaction still open in this partition;
   * null when none is. Set by the table only (it keeps an index of open transactions beside it).
   */
  currentTxnFirstOffset: number | null
}

/** A transaction that ended in an abort marker: its records in [firstOffset, lastOffset] do not count. */
export interface AbortedTransaction {
  producerId: number
  firstOffset: number
  /** The offset of the abort marker. */
  lastOffset: number
  /**
   * The partition's last stable offset once this transaction ended (Kafka's AbortedTxn keeps it
   * too). It never decreases from one abort to the next, and every transaction aborted later began
   * at or after it, so a range query can stop at the first entry whose value reaches its end.
   */
  lastStableOffset: number
}

/** What the table holds, as a snapshot persists it. */
export interface ProducerStateContents {
  entries: ProducerEntry[]
  /** In the order their markers were written (by lastOffset). */
  aborted: AbortedTransaction[]
}

/** The header fields that move a producer's state. */
export type IdempotentBatchFields = Pick<
  BatchHeader,
  'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta' | 'maxTimestamp' | 'attributes'
>

/** The header fields of a transaction marker that move its producer's state. */
export type MarkerFields = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'maxTimestamp'>

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
  /** Producer id → first offset of its open transaction: the few entries the LSO depends on. */
  private readonly openTxns = new Map<number, number>()
  /** The smallest value of openTxns, null when empty; undefined once stale. */
  private cachedFirstUnstable: number | null | undefined = null
  private aborted: AbortedTransaction[] = []

  static of(contents: ProducerStateContents): ProducerStateTable {
    const table = new ProducerStateTable()
    for (const entry of contents.entries) {
      table.producers.set(entry.producerId, entry)
      if (entry.currentTxnFirstOffset !== null) table.openTxns.set(entry.producerId, entry.currentTxnFirstOffset)
    }
    table.cachedFirstUnstable = undefined
    table.aborted = [...contents.aborted].sort((a, b) => a.lastOffset - b.lastOffset)
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

  /** Everything the table holds, for a snapshot. */
  contents(): ProducerStateContents {
    return {entries: this.entries(), aborted: [...this.aborted]}
  }

  /** The last offset of each producer's newest batch, by producer id. */
  lastOffsets(): Map<number, number> {
    const offsets = new Map<number, number>()
    for (const {producerId, batches} of this.producers.values()) {
      if (batches.length > 0) offsets.set(producerId, batches[batches.length - 1].lastOffset)
    }
    return offsets
  }

  /**
   * Notes a data batch stored at `firstOffset`. A new epoch starts the producer's batch history
   * afresh; a transactional batch opens the producer's transaction here unless one is open.
   */
  record(batch: IdempotentBatchFields, firstOffset: number): void {
    const entry = this.entryAt(batch.producerId, batch.producerEpoch)
    entry.lastTimestamp = batch.maxTimestamp
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset,
      lastOffset: firstOffset + batch.lastOffsetDelta,
    })
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift()
    if ((batch.attributes & ATTR_TRANSACTIONAL) !== 0 && entry.currentTxnFirstOffset === null) {
      entry.currentTxnFirstOffset = firstOffset
      this.openTxns.set(entry.producerId, firstOffset)
      const cached = this.cachedFirstUnstable
      if (cached !== undefined && (cached === null || firstOffset < cached)) this.cachedFirstUnstable = firstOffset
    }
  }

  /**
   * Notes a transaction marker stored at `offset` (Kafka's appendEndTxnMarker): it ends the
   * producer's open transaction here, and an abort that ends one is remembered for fetches. A
   * marker in a newer epoch moves the producer to it, forgetting its cached batches. Markers carry
   * no sequence, so they never enter the batch history.
   */
  recordMarker(marker: MarkerFields, offset: number, kind: EndTxnMarkerKind): void {
    const known = this.producers.get(marker.producerId)
    const entry = known && known.epoch >= marker.producerEpoch ? known : this.entryAt(marker.producerId, marker.producerEpoch)
    entry.lastTimestamp = marker.maxTimestamp
    const firstOffset = entry.currentTxnFirstOffset
    if (firstOffset === null) return
    entry.currentTxnFirstOffset = null
    this.openTxns.delete(entry.producerId)
    if (this.cachedFirstUnstable === firstOffset) this.cachedFirstUnstable = undefined
    if (kind === 'abort')
      this.aborted.push({producerId: entry.producerId, firstOffset, lastOffset: offset, lastStableOffset: this.firstUnstableOffset() ?? offset + 1})
  }

  /**
   * The smallest first offset of the transactions open in this partition (where the last stable
   * offset stops), null when none is open. Read by every read_committed Fetch, so it is cached.
   */
  firstUnstableOffset(): number | null {
    if (this.cachedFirstUnstable === undefined) {
      let smallest: number | null = null
      for (const firstOffset of this.openTxns.values()) if (smallest === null || firstOffset < smallest) smallest = firstOffset
      this.cachedFirstUnstable = smallest
    }
    return this.cachedFirstUnstable
  }

  /** The transactions open in this partition, by first offset. */
  openTransactions(): {producerId: number; firstOffset: number}[] {
    return [...this.openTxns].map(([producerId, firstOffset]) => ({producerId, firstOffset})).sort((a, b) => a.firstOffset - b.firstOffset)
  }

  /**
   * The aborted transactions whose range [firstOffset, lastOffset] overlaps [fromOffset,
   * upToOffset), by first offset: what a Fetch returning that range must list.
   */
  abortedTransactions(fromOffset: number, upToOffset: number): {producerId: number; firstOffset: number}[] {
    const found: {producerId: number; firstOffset: number}[] = []
    for (let i = this.firstAbortedEndingAtOrAfter(fromOffset); i < this.aborted.length; i++) {
      const txn = this.aborted[i]
      if (txn.firstOffset < upToOffset) found.push({producerId: txn.producerId, firstOffset: txn.firstOffset})
      if (txn.lastStableOffset >= upToOffset) break
    }
    return found.sort((a, b) => a.firstOffset - b.firstOffset)
  }

  /** True when the producer's record at `offset` lies in one of its aborted transactions. */
  isAborted(producerId: number, offset: number): boolean {
    for (let i = this.firstAbortedEndingAtOrAfter(offset); i < this.aborted.length; i++) {
      const txn = this.aborted[i]
      if (txn.producerId === producerId && txn.firstOffset <= offset) return true
      if (txn.lastStableOffset > offset) return false
    }
    return false
  }

  /** Forgets the aborted transactions that ended below `offset` (the log start): no fetch can reach them. */
  forgetAbortedBefore(offset: number): void {
    const from = this.firstAbortedEndingAtOrAfter(offset)
    if (from > 0) this.aborted = this.aborted.slice(from)
  }

  /**
   * Forgets producers whose last batch is `expirationMs` or more older than `now`
   * (producer.id.expiration.ms), except those with a transaction open; returns how many went.
   */
  removeExpired(now: number, expirationMs: number): number {
    let removed = 0
    for (const [producerId, entry] of this.producers) {
      if (entry.currentTxnFirstOffset !== null || now - entry.lastTimestamp < expirationMs) continue
      this.producers.delete(producerId)
      removed++
    }
    return removed
  }

  /** The producer's entry in `epoch`: a new one, or its batches forgotten when the epoch changed. */
  private entryAt(producerId: number, epoch: number): ProducerEntry {
    let entry = this.producers.get(producerId)
    if (!entry) {
      entry = {producerId, epoch, lastTimestamp: -1, batches: [], currentTxnFirstOffset: null}
      this.producers.set(producerId, entry)
    } else if (entry.epoch !== epoch) {
      entry.epoch = epoch
      entry.batches = []
    }
    return entry
  }

  /** Index of the first aborted transaction whose marker is at or after `offset`. */
  private firstAbortedEndingAtOrAfter(offset: number): number {
    let low = 0
    let high = this.aborted.length
    while (low < high) {
      const middle = (low + high) >>> 1
      if (this.aborted[middle].lastOffset < offset) low = middle + 1
      else high = middle
    }
    return low
  }
}
