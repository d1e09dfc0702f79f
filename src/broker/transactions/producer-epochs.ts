/**
 * InitProducerId's decisions for a known transactional id (Kafka's TransactionMetadata with
 * KIP-360): whose request it accepts, when the producer id must change, and which epoch comes next.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {NO_PRODUCER_EPOCH, type TransactionMetadata, isEpochExhausted} from './transaction-metadata.js'

export interface ProducerIdAndEpoch {
  producerId: number
  producerEpoch: number
}

/**
 * A producer naming its id is fenced unless the id is new, is still its own, or was just
 * rotated away from it when its epochs ran out (a retry whose answer was lost).
 */
export function knowsProducer(metadata: TransactionMetadata, expected: ProducerIdAndEpoch): boolean {
  return metadata.producerEpoch === NO_PRODUCER_EPOCH ||
    expected.producerId === metadata.producerId ||
    (expected.producerId === metadata.previousProducerId && isEpochExhausted(expected.producerEpoch))
}

/** The epochs are used up: the next producer gets a new id at epoch 0. */
export function needsNewProducerId(metadata: TransactionMetadata, expected: ProducerIdAndEpoch | null): boolean {
  return isEpochExhausted(metadata.producerEpoch) && (!expected || expected.producerEpoch === metadata.producerEpoch)
}

/**
 * The epoch after InitProducerId and the one to remember before it. A producer naming its
 * current epoch gets it bumped once; its retry (naming the previous one) gets the same answer;
 * any other epoch is fenced.
 */
export function nextEpochs(metadata: TransactionMetadata, expected: ProducerIdAndEpoch | null): {producerEpoch: number; lastProducerEpoch: number} | number {
  const bumped = metadata.producerEpoch + 1
  if (!expected) return {producerEpoch: bumped, lastProducerEpoch: NO_PRODUCER_EPOCH}
  if (metadata.producerEpoch === NO_PRODUCER_EPOCH || expected.producerEpoch === metadata.producerEpoch)
    return {producerEpoch: bumped, lastProducerEpoch: metadata.producerEpoch}
  if (expected.producerEpoch === metadata.lastProducerEpoch)
    return {producerEpoch: metadata.producerEpoch, lastProducerEpoch: metadata.lastProducerEpoch}
  return ErrorCode.PRODUCER_FENCED
}
