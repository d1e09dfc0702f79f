/**
 * What the transaction coordinator keeps per transactional id (Kafka's TransactionMetadata), as
 * immutable values: every change makes a new one, which is persisted before it replaces the old.
 */

/** Kafka's state names, as DescribeTransactions and ListTransactions show them. */
export type TransactionState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort'

export const NO_PRODUCER_ID = -1
export const NO_PRODUCER_EPOCH = -1
/** Kafka keeps Short.MaxValue for fencing, so a producer id stops at this epoch and a new id is handed out. */
const LAST_USABLE_EPOCH = 32_766

export interface TopicPartitionRef {
  topic: string
  partition: number
}

/** An offset TxnOffsetCommit staged: committed to its group only if the transaction commits. */
export interface StagedOffset {
  groupId: string
  topic: string
  partition: number
  offset: number
  leaderEpoch: number
  metadata: string
}

export interface TransactionMetadata {
  readonly transactionalId: string
  readonly producerId: number
  /** The producer id before the last InitProducerId, so a retry after a rotation is recognised (KIP-360). */
  readonly previousProducerId: number
  readonly producerEpoch: number
  /** The epoch before the last bump, so a retried InitProducerId gets the same answer (KIP-360). */
  readonly lastProducerEpoch: number
  readonly timeoutMs: number
  readonly state: TransactionState
  /** The partitions of the open transaction, in the order they joined it. */
  readonly partitions: readonly TopicPartitionRef[]
  /** The consumer groups of the open transaction (AddOffsetsToTxn). */
  readonly groups: readonly string[]
  readonly stagedOffsets: readonly StagedOffset[]
  /** When the transaction became Ongoing; -1 while there has been none since InitProducerId. */
  readonly startTimeMs: number
  readonly lastUpdateMs: number
}

export function isEpochExhausted(epoch: number): boolean {
  return epoch >= LAST_USABLE_EPOCH
}

export function isPrepared(state: TransactionState): state is 'PrepareCommit' | 'PrepareAbort' {
  return state === 'PrepareCommit' || state === 'PrepareAbort'
}

/** The transaction's partitions plus those not yet in it, each once. */
export function withPartitions(metadata: TransactionMetadata, added: readonly TopicPartitionRef[]): TopicPartitionRef[] {
  const partitions = [...metadata.partitions]
  for (const each of added) if (!partitions.some((p) => p.topic === each.topic && p.partition === each.partition)) partitions.push(each)
  return partitions
}

/** The staged offsets with `added` replacing any earlier one for the same group and partition. */
export function withStagedOffsets(metadata: TransactionMetadata, added: readonly StagedOffset[]): StagedOffset[] {
  const key = (o: StagedOffset) => `${o.groupId}\u0000${o.topic}\u0000${o.partition}`
  const byKey = new Map(metadata.stagedOffsets.map((o) => [key(o), o]))
  for (const offset of added) byKey.set(key(offset), offset)
  return [...byKey.values()]
}

/** Moves into Ongoing; the start time is set only when a new transaction begins. */
export function toOngoing(metadata: TransactionMetadata, changes: Pick<TransactionMetadata, 'partitions' | 'groups'>, now: number): TransactionMetadata {
  const starting = metadata.state !== 'Ongoing'
  return {...metadata, ...changes, state: 'Ongoing', startTimeMs: starting ? now : metadata.startTimeMs, lastUpdateMs: now}
}
