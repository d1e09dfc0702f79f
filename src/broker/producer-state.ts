/**
 * The broker's sequence check for idempotent producers (Kafka's ProducerAppendInfo): a retried
 * batch is recognised and answered with its original offsets instead of being written twice; a
 * gap or a stale epoch is refused. It reads the partition's producer state, which the log keeps
 * (src/storage/producer-state-table.ts) and carries across restarts in snapshots. A producer the
 * partition does not know (a new one, or one expired after producer.id.expiration.ms) may start
 * at any sequence, as Kafka allows.
 */
import {ErrorCode} from '../protocol/errors.js'
import type {BatchHeader} from '../protocol/record-batch.js'
import {type ProducerEntry, lastSequenceOf, nextSequence} from '../storage/producer-state-table.js'

export type IdempotentBatch = Pick<BatchHeader, 'producerId' | 'producerEpoch' | 'baseSequence' | 'lastOffsetDelta'>

export type SequenceCheck =
  | {kind: 'append'}
  | {kind: 'duplicate'; firstOffset: number}
  | {kind: 'error'; errorCode: number; message: string}

/** What to do with `batch` given what the partition knows of its producer (`entry`). */
export function checkSequence(entry: ProducerEntry | undefined, batch: IdempotentBatch): SequenceCheck {
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
  // No batch yet in this epoch (a transaction marker made the entry or moved it here): it starts at 0, as in Kafka.
  const newest = entry.batches.at(-1)
  const expected = newest ? nextSequence(newest.lastSeq) : 0
  if (batch.baseSequence !== expected)
    return outOfOrder(`Out of order sequence number for producer ${batch.producerId} at offset: expected ${expected}, received ${batch.baseSequence}`)
  return {kind: 'append'}
}

function outOfOrder(message: string): SequenceCheck {
  return {kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, message}
}
