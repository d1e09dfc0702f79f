/**
 * What a partition remembers of each idempotent producer (Kafka's ProducerStateEntry): its epoch
 * and the last five batches' sequence ranges and offsets. A retried batch is recognised and
 * answered with its original offsets instead of being written twice; a gap or a stale epoch is
 * refused. A producer the partition has never seen (a new one, or any after a restart, since kbus
 * keeps this in memory) may start at any sequence, as Kafka allows.
 */
import {ErrorCode} from '../protocol/errors.js'

const BATCHES_TO_RETAIN = 5
const INT32_MAX = 2_147_483_647

interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: number
  lastOffset: number
}

interface ProducerEntry {
  epoch: number
  batches: BatchMetadata[]
}

export interface IdempotentBatch {
  producerId: number
  producerEpoch: number
  baseSequence: number
  /** lastOffsetDelta: the batch spans baseSequence..baseSequence+lastOffsetDelta (wrapping at INT32_MAX). */
  lastOffsetDelta: number
}

export type SequenceCheck =
  | {kind: 'append'}
  | {kind: 'duplicate'; firstOffset: number}
  | {kind: 'error'; errorCode: number; message: string}

const lastSequenceOf = (batch: IdempotentBatch) =>
  batch.baseSequence > INT32_MAX - batch.lastOffsetDelta
    ? batch.baseSequence + batch.lastOffsetDelta - INT32_MAX - 1
    : batch.baseSequence + batch.lastOffsetDelta

const nextSequence = (sequence: number) => (sequence === INT32_MAX ? 0 : sequence + 1)

export class ProducerStates {
  private readonly producers = new Map<number, ProducerEntry>()

  check(batch: IdempotentBatch): SequenceCheck {
    const entry = this.producers.get(batch.producerId)
    if (!entry) return {kind: 'append'}
    if (batch.producerEpoch < entry.epoch)
      return {
        kind: 'error',
        errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Epoch of producer ${batch.producerId} is ${batch.producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      }
    if (batch.producerEpoch > entry.epoch) {
      if (batch.baseSequence === 0) return {kind: 'append'}
      return outOfOrder(`Invalid sequence number for new epoch of producer ${batch.producerId}: ${batch.producerEpoch} (request epoch), ${batch.baseSequence} (seq. number), ${entry.epoch} (current producer epoch)`)
    }
    const lastSeq = lastSequenceOf(batch)
    const duplicate = entry.batches.find((cached) => cached.firstSeq === batch.baseSequence && cached.lastSeq === lastSeq)
    if (duplicate) return {kind: 'duplicate', firstOffset: duplicate.firstOffset}
    const expected = nextSequence(entry.batches[entry.batches.length - 1].lastSeq)
    if (batch.baseSequence !== expected)
      return outOfOrder(`Out of order sequence number for producer ${batch.producerId} at offset: expected ${expected}, received ${batch.baseSequence}`)
    return {kind: 'append'}
  }

  /** Records a batch accepted at `firstOffset` (call right after checking, before any await). */
  record(batch: IdempotentBatch, firstOffset: number): void {
    let entry = this.producers.get(batch.producerId)
    if (!entry || entry.epoch !== batch.producerEpoch) {
      entry = {epoch: batch.producerEpoch, batches: []}
      this.producers.set(batch.producerId, entry)
    }
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch),
      firstOffset,
      lastOffset: firstOffset + batch.lastOffsetDelta,
    })
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift()
  }
}

function outOfOrder(message: string): SequenceCheck {
  return {kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message}
}
