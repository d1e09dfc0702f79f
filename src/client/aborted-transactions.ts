/**
 * read_committed on the consumer side. A broker answers a read_committed Fetch with records up to
 * the last stable offset plus the transactions in that range that were aborted (producer id, first
 * offset); the consumer itself must drop their batches, up to each one's ABORT marker, as Kafka's
 * CompletedFetch does. Apache Kafka relies on this; without it an aborted transaction's records
 * would be printed.
 */
import type {DecodedBatch} from '../protocol/records.js'

/** The control record key's type field: 0 marks an abort, 1 a commit. */
const ABORT_MARKER = 0

export interface AbortedTransaction {
  producerId: number
  firstOffset: number
}

export class AbortedTransactionFilter {
  /** Aborted transactions not reached yet, by first offset. */
  private readonly upcoming: AbortedTransaction[]
  /** Producers whose aborted transaction has started and not met its marker yet. */
  private readonly aborting = new Set<number>()

  constructor(aborted: readonly AbortedTransaction[]) {
    this.upcoming = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset)
  }

  /** True when the batch belongs to an aborted transaction; batches must be passed in log order. */
  drops(batch: DecodedBatch): boolean {
    const {producerId, baseOffset, lastOffsetDelta} = batch.header
    if (producerId < 0) return false
    const lastOffset = baseOffset + lastOffsetDelta
    while (this.upcoming.length > 0 && this.upcoming[0].firstOffset <= lastOffset) this.aborting.add(this.upcoming.shift()!.producerId)
    if (batch.control) {
      if (isAbortMarker(batch)) this.aborting.delete(producerId)
      return false
    }
    return batch.transactional && this.aborting.has(producerId)
  }
}

function isAbortMarker(batch: DecodedBatch): boolean {
  const key = batch.records[0]?.key
  return key !== null && key !== undefined && key.length >= 4 && key.readInt16BE(2) === ABORT_MARKER
}
