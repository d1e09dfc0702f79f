/**
 * The idempotent producer's bookkeeping (Kafka's TransactionManager without transactions): the
 * producer id and epoch InitProducerId hands out, and per partition the sequence number the next
 * new batch gets and the sequenced batches not yet acknowledged. A batch keeps its sequence
 * across retries, so the broker answers a batch it already wrote with the original offsets
 * instead of writing it twice. Pure state; the producer does the sending.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {InitProducerId} from '../protocol/messages/22-init-producer-id.js'
import type {Batch} from './accumulator.js'
import type {BrokerConnection} from './connection.js'

const INT32_MAX = 2_147_483_647
const INT16_MAX = 32_767

/** Kafka's sequence arithmetic: an int32 that wraps from INT32_MAX back to 0. */
export function incrementSequence(sequence: number, by: number): number {
  return sequence > INT32_MAX - by ? sequence + by - INT32_MAX - 1 : sequence + by
}

export interface ProducerIdentity {
  producerId: number
  producerEpoch: number
}

interface PartitionSequences {
  next: number
  /** Sequenced batches in flight or waiting to go again, oldest sequence first. */
  unacknowledged: Batch[]
}

export class SequenceTracker {
  private current: ProducerIdentity | undefined
  private readonly partitions = new Map<string, PartitionSequences>()

  /** The producer id and epoch batches carry now; undefined until InitProducerId has answered. */
  get identity(): ProducerIdentity | undefined {
    return this.current
  }

  /** A new producer id: every partition's sequence starts at 0. */
  begin(identity: ProducerIdentity): void {
    this.current = identity
    this.restart()
  }

  /** The sequence the partition's next new batch gets. */
  peek(topic: string, partition: number): number {
    return this.partitions.get(key(topic, partition))?.next ?? 0
  }

  /** Stamps a batch going out without a sequence with the partition's next ones. */
  assign(batch: Batch): void {
    const sequences = this.sequencesOf(batch)
    batch.baseSequence = sequences.next
    sequences.next = incrementSequence(sequences.next, batch.records.length)
    sequences.unacknowledged.push(batch)
  }

  /** The halves of a split batch take its place (they cover its sequence range). */
  replace(batch: Batch, halves: Batch[]): void {
    const list = this.sequencesOf(batch).unacknowledged
    const at = list.indexOf(batch)
    if (at >= 0) list.splice(at, 1, ...halves)
  }

  /** A batch was acknowledged or failed for good. */
  finished(batch: Batch): void {
    const list = this.partitions.get(key(batch.topic, batch.partition))?.unacknowledged
    const at = list?.indexOf(batch) ?? -1
    if (at >= 0) list!.splice(at, 1)
  }

  /**
   * Whether no earlier batch of the partition is still unacknowledged. The broker refusing such a
   * batch's sequence means it lost track of this producer; refusing a later one only echoes the
   * trouble of the batch before it.
   */
  isOldestUnacknowledged(batch: Batch): boolean {
    return this.partitions.get(key(batch.topic, batch.partition))?.unacknowledged[0] === batch
  }

  /**
   * Starts every partition's sequences over under the next epoch, as Kafka's idempotent producer
   * does after a gap (a sequenced batch failed for good, or the broker lost the sequence). Call
   * with nothing in flight: unacknowledged batches lose their sequence and get new ones when they
   * go again. Returns false when the epoch is used up and a new producer id is needed.
   */
  bumpEpoch(): boolean {
    if (!this.current) return false
    if (this.current.producerEpoch >= INT16_MAX) {
      this.current = undefined
      this.restart()
      return false
    }
    this.current = {producerId: this.current.producerId, producerEpoch: this.current.producerEpoch + 1}
    this.restart()
    return true
  }

  private restart(): void {
    for (const sequences of this.partitions.values()) for (const batch of sequences.unacknowledged) batch.baseSequence = -1
    this.partitions.clear()
  }

  private sequencesOf(batch: Batch): PartitionSequences {
    const id = key(batch.topic, batch.partition)
    let sequences = this.partitions.get(id)
    if (!sequences) this.partitions.set(id, (sequences = {next: 0, unacknowledged: []}))
    return sequences
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\0${partition}`
}

/**
 * Asks a broker for a fresh producer id (no transactional id: kbus supports no transactions).
 * A broker without InitProducerId cannot take idempotent batches: the error says what to do.
 */
export async function initProducerId(connection: BrokerConnection, timeoutMs: number): Promise<ProducerIdentity> {
  if (!connection.supports(InitProducerId))
    throw new KafkaError(
      ErrorCode.UNSUPPORTED_VERSION,
      'The broker does not support InitProducerId, which the idempotent producer needs: set enable.idempotence=false to produce without it.',
    )
  const response = await connection.request(
    InitProducerId,
    // Kafka's idempotent producer sends no transaction timeout of its own: INT32_MAX.
    {transactionalId: null, transactionTimeoutMs: INT32_MAX, producerId: -1, producerEpoch: -1},
    {timeoutMs},
  )
  if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode)
  return {producerId: response.producerId, producerEpoch: response.producerEpoch}
}
