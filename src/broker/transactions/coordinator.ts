/**
 * The transaction coordinator (Kafka's TransactionCoordinator, TV1 protocol: clients add each
 * partition with AddPartitionsToTxn before producing to it). It lives in the broker process, so
 * it writes the commit and abort markers straight into its own partitions and hands committed
 * offsets to the group coordinator itself. Each change is durable in the data dir before it is
 * answered; requests for one transactional id run one at a time.
 */
import type {ServerConfig} from '../../config/server-config.js'
import type {Logger} from '../../daemon/logger.js'
import {encodeEndTxnMarker, type EndTxnMarkerKind} from '../../protocol/end-txn-marker.js'
import {ErrorCode} from '../../protocol/errors.js'
import type {Partition} from '../partition.js'
import {KeyedLock} from './keyed-lock.js'
import {type ProducerIdAndEpoch, knowsProducer, needsNewProducerId, nextEpochs} from './producer-epochs.js'
import {
  NO_PRODUCER_EPOCH,
  NO_PRODUCER_ID,
  type StagedOffset,
  type TopicPartitionRef,
  type TransactionMetadata,
  isPrepared,
  toOngoing,
  withPartitions,
  withStagedOffsets,
} from './transaction-metadata.js'
import {type TransactionList, type TransactionListFilter, listTransactions} from './transaction-list.js'
import {TransactionStore} from './transaction-store.js'

export interface TransactionSettings {
  /** transaction.max.timeout.ms: the longest timeout a producer may ask for. */
  maxTimeoutMs: number
  /** transaction.abort.timed.out.transaction.cleanup.interval.ms: how often timed-out transactions are looked for. */
  abortCheckIntervalMs: number
  /** transactional.id.expiration.ms: how long an idle transactional id is remembered. */
  idExpirationMs: number
}

/** Kafka's defaults. */
export const DEFAULT_TRANSACTION_SETTINGS: TransactionSettings = {
  maxTimeoutMs: 900_000,
  abortCheckIntervalMs: 10_000,
  idExpirationMs: 604_800_000,
}

export function transactionSettingsOf(config: ServerConfig): TransactionSettings {
  // The config validates these (ints, at least 1); the fallbacks only serve a config without them.
  const setting = (name: string, fallback: number) => Number(config.resolved.get(name)?.value ?? fallback)
  return {
    maxTimeoutMs: setting('transaction.max.timeout.ms', DEFAULT_TRANSACTION_SETTINGS.maxTimeoutMs),
    abortCheckIntervalMs: setting('transaction.abort.timed.out.transaction.cleanup.interval.ms', DEFAULT_TRANSACTION_SETTINGS.abortCheckIntervalMs),
    idExpirationMs: setting('transactional.id.expiration.ms', DEFAULT_TRANSACTION_SETTINGS.idExpirationMs),
  }
}

export interface GroupMemberRef {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

/** What the coordinator needs of the group coordinator. */
export interface TransactionalGroups {
  /** TxnOffsetCommit's member checks: NONE, or the error for the whole request. */
  txnOffsetCommitError(member: GroupMemberRef): number
  /** Commits a committed transaction's offsets, durably. */
  commitTransactionalOffsets(groupId: string, offsets: Omit<StagedOffset, 'groupId'>[]): Promise<void>
}

export interface TransactionCoordinatorDeps {
  /** The partition markers go to; undefined once its topic is deleted. */
  partition(topic: string, index: number): Partition | undefined
  groups: TransactionalGroups
  nextProducerId(): Promise<number>
  logger: Logger
  now?: () => number
}

export interface InitProducerIdResult {
  errorCode: number
  producerId: number
  producerEpoch: number
}

export interface TxnOffsetCommitInput extends GroupMemberRef {
  transactionalId: string
  producerId: number
  producerEpoch: number
  offsets: {topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string | null}[]
}

/** offset.metadata.max.bytes, Kafka's default. */
const OFFSET_METADATA_MAX_LENGTH = 4096

const offsetKey = (groupId: string, topic: string, partition: number) => `${groupId}\u0000${topic}\u0000${partition}`
const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`
const failedInit = (errorCode: number): InitProducerIdResult => ({errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH})

export class TransactionCoordinator {
  private readonly records = new Map<string, TransactionMetadata>()
  private readonly idsByProducerId = new Map<number, string>()
  /** Which transactions have an offset staged for a group's partition (OffsetFetch's requireStable). */
  private readonly stagedOffsetOwners = new Map<string, Set<string>>()
  private readonly partitionKeys = new WeakMap<TransactionMetadata, ReadonlySet<string>>()
  private readonly locks = new KeyedLock()
  /** Transactions whose markers are being written, by id: a second request joins the running one. */
  private readonly completing = new Map<string, Promise<number>>()
  /** Partitions that already hold a transaction's marker, so a retry after a failure writes only the rest. */
  private readonly markersWritten = new Map<string, Set<string>>()
  private timer: NodeJS.Timeout | null = null
  private sweeping = false
  private readonly now: () => number

  private constructor(
    private readonly store: TransactionStore,
    private readonly deps: TransactionCoordinatorDeps,
    private readonly settings: TransactionSettings,
    transactions: TransactionMetadata[],
  ) {
    this.now = deps.now ?? Date.now
    for (const metadata of transactions) this.apply(metadata.transactionalId, metadata)
  }

  static async open(dataDir: string, deps: TransactionCoordinatorDeps, settings = DEFAULT_TRANSACTION_SETTINGS): Promise<TransactionCoordinator> {
    const {store, transactions} = await TransactionStore.open(dataDir)
    return new TransactionCoordinator(store, deps, settings, transactions)
  }

  /**
   * Finishes what a stop interrupted: transactions that were committing or aborting get their
   * markers (and, for a commit, their offsets) again. Open ones stay open until they time out or
   * their id is initialised again. Then timed-out transactions are looked for periodically.
   */
  async start(): Promise<void> {
    const prepared = [...this.records.values()].filter((metadata) => isPrepared(metadata.state))
    await Promise.all(prepared.map((metadata) => this.complete(metadata)))
    this.timer = setInterval(() => void this.abortTimedOutTransactions(), this.settings.abortCheckIntervalMs).unref()
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.allSettled([...this.completing.values()])
    await this.store.settled()
  }

  // ---- InitProducerId ----------------------------------------------------------------------

  /**
   * A producer id and epoch for a transactional id: a new id at epoch 0 the first time, the epoch
   * bumped after (which fences the previous producer), a new id once the epochs run out. An open
   * transaction is aborted first with a bumped epoch, and the producer asked to retry, as Kafka does.
   */
  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
    expected: ProducerIdAndEpoch | null,
  ): Promise<InitProducerIdResult> {
    if (transactionalId === '') return failedInit(ErrorCode.INVALID_REQUEST)
    if (timeoutMs <= 0 || timeoutMs > this.settings.maxTimeoutMs) return failedInit(ErrorCode.INVALID_TRANSACTION_TIMEOUT)
    const outcome = await this.guarded(transactionalId, async () => {
      const metadata = this.records.get(transactionalId) ?? this.fresh(transactionalId, await this.deps.nextProducerId(), timeoutMs)
      if (expected && !knowsProducer(metadata, expected)) return ErrorCode.PRODUCER_FENCED
      if (isPrepared(metadata.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
      if (metadata.state === 'Ongoing') {
        const fenced = this.fenced(metadata)
        await this.persist(fenced)
        return fenced
      }
      const next = needsNewProducerId(metadata, expected)
        ? {producerId: await this.deps.nextProducerId(), producerEpoch: 0, lastProducerEpoch: expected ? metadata.producerEpoch : NO_PRODUCER_EPOCH}
        : nextEpochs(metadata, expected)
      if (typeof next === 'number') return next
      const initialised = this.reset(metadata, {producerId: metadata.producerId, ...next}, timeoutMs)
      await this.persist(initialised)
      return initialised
    })
    if (typeof outcome === 'number') return failedInit(outcome)
    if (outcome.state === 'PrepareAbort') {
      const aborted = await this.complete(outcome)
      return failedInit(aborted === ErrorCode.NONE ? ErrorCode.CONCURRENT_TRANSACTIONS : aborted)
    }
    this.deps.logger.info(`Initialized transactional id ${transactionalId} with producer id ${outcome.producerId} and epoch ${outcome.producerEpoch}`)
    return {errorCode: ErrorCode.NONE, producerId: outcome.producerId, producerEpoch: outcome.producerEpoch}
  }

  private fresh(transactionalId: string, producerId: number, timeoutMs: number): TransactionMetadata {
    return {
      transactionalId, producerId, previousProducerId: NO_PRODUCER_ID, producerEpoch: NO_PRODUCER_EPOCH, lastProducerEpoch: NO_PRODUCER_EPOCH,
      timeoutMs, state: 'Empty', partitions: [], groups: [], stagedOffsets: [], startTimeMs: -1, lastUpdateMs: this.now(),
    }
  }

  private reset(
    metadata: TransactionMetadata,
    producer: Pick<TransactionMetadata, 'producerId' | 'producerEpoch' | 'lastProducerEpoch'>,
    timeoutMs: number,
  ): TransactionMetadata {
    return {
      ...metadata, ...producer, previousProducerId: metadata.producerId, timeoutMs,
      state: 'Empty', partitions: [], groups: [], stagedOffsets: [], startTimeMs: -1, lastUpdateMs: this.now(),
    }
  }

  /** The open transaction, to be aborted with the next epoch: markers carrying it fence the producer in every partition. */
  private fenced(metadata: TransactionMetadata): TransactionMetadata {
    return {...metadata, state: 'PrepareAbort', producerEpoch: metadata.producerEpoch + 1, lastProducerEpoch: NO_PRODUCER_EPOCH, lastUpdateMs: this.now()}
  }

  // ---- AddPartitionsToTxn / AddOffsetsToTxn ------------------------------------------------

  /** Adds partitions to the transaction, which becomes Ongoing; NONE or the error for them all. */
  addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: readonly TopicPartitionRef[]): Promise<number> {
    if (transactionalId === '') return Promise.resolve(ErrorCode.INVALID_REQUEST)
    return this.guarded(transactionalId, async () => {
      const metadata = this.producerOf(transactionalId, producerId, producerEpoch)
      if (typeof metadata === 'number') return metadata
      const keys = this.partitionKeysOf(metadata)
      if (metadata.state === 'Ongoing' && partitions.every((p) => keys.has(partitionKey(p.topic, p.partition)))) return ErrorCode.NONE
      await this.persist(toOngoing(metadata, {partitions: withPartitions(metadata, partitions), groups: metadata.groups}, this.now()))
      return ErrorCode.NONE
    })
  }

  /** Adds a consumer group to the transaction, so offsets can be committed with it. */
  addOffsets(transactionalId: string, producerId: number, producerEpoch: number, groupId: string): Promise<number> {
    if (transactionalId === '') return Promise.resolve(ErrorCode.INVALID_REQUEST)
    return this.guarded(transactionalId, async () => {
      const metadata = this.producerOf(transactionalId, producerId, producerEpoch)
      if (typeof metadata === 'number') return metadata
      if (metadata.state === 'Ongoing' && metadata.groups.includes(groupId)) return ErrorCode.NONE
      const groups = metadata.groups.includes(groupId) ? metadata.groups : [...metadata.groups, groupId]
      await this.persist(toOngoing(metadata, {partitions: metadata.partitions, groups}, this.now()))
      return ErrorCode.NONE
    })
  }

  /** The transaction of an id if this producer owns it and it takes changes, else Kafka's error. */
  private producerOf(transactionalId: string, producerId: number, producerEpoch: number): TransactionMetadata | number {
    const metadata = this.records.get(transactionalId)
    if (!metadata || metadata.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (metadata.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED
    if (isPrepared(metadata.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
    return metadata
  }

  // ---- TxnOffsetCommit ---------------------------------------------------------------------

  /**
   * Stages offsets in the transaction; they reach the group only when it commits. Returns one
   * error code per offset given. The transaction must be Ongoing with the group added to it,
   * which Kafka's partition verification answers with TRANSACTION_ABORTABLE.
   */
  async txnOffsetCommit(request: TxnOffsetCommitInput): Promise<number[]> {
    const all = (errorCode: number) => request.offsets.map(() => errorCode)
    if (request.transactionalId === '') return all(ErrorCode.INVALID_REQUEST)
    if (request.groupId === '') return all(ErrorCode.INVALID_GROUP_ID)
    const outcome = await this.guarded(request.transactionalId, async () => {
      const metadata = this.records.get(request.transactionalId)
      if (!metadata || metadata.producerId !== request.producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
      if (metadata.producerEpoch !== request.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH
      if (isPrepared(metadata.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
      if (metadata.state !== 'Ongoing' || !metadata.groups.includes(request.groupId)) return ErrorCode.TRANSACTION_ABORTABLE
      const memberError = this.deps.groups.txnOffsetCommitError(request)
      if (memberError !== ErrorCode.NONE) return memberError
      const codes = request.offsets.map(({metadata: text}) =>
        (text ?? '').length > OFFSET_METADATA_MAX_LENGTH ? ErrorCode.OFFSET_METADATA_TOO_LARGE : ErrorCode.NONE)
      const staged = request.offsets
        .filter((_, i) => codes[i] === ErrorCode.NONE)
        .map(({topic, partition, offset, leaderEpoch, metadata: text}) => ({groupId: request.groupId, topic, partition, offset, leaderEpoch, metadata: text ?? ''}))
      if (staged.length > 0) await this.persist({...metadata, stagedOffsets: withStagedOffsets(metadata, staged), lastUpdateMs: this.now()})
      return codes
    })
    return typeof outcome === 'number' ? all(outcome) : outcome
  }

  // ---- EndTxn ------------------------------------------------------------------------------

  /**
   * Commits or aborts the transaction: PrepareCommit/PrepareAbort made durable, a marker into
   * every partition, a commit's offsets handed to their groups, then CompleteCommit/CompleteAbort.
   * A retry of an outcome already reached answers NONE.
   */
  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    if (transactionalId === '') return ErrorCode.INVALID_REQUEST
    const prepared = await this.guarded(transactionalId, async () => {
      const metadata = this.records.get(transactionalId)
      if (!metadata || metadata.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
      if (metadata.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED
      switch (metadata.state) {
        case 'Ongoing': {
          const next: TransactionMetadata = {...metadata, state: commit ? 'PrepareCommit' : 'PrepareAbort', lastUpdateMs: this.now()}
          await this.persist(next)
          return next
        }
        case 'CompleteCommit':
          return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE
        case 'CompleteAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE
        case 'PrepareCommit':
          return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE
        case 'PrepareAbort':
          return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS
        case 'Empty':
          return ErrorCode.INVALID_TXN_STATE
      }
    })
    return typeof prepared === 'number' ? prepared : this.complete(prepared)
  }

  /**
   * Writes a prepared transaction's outcome everywhere and records it complete. A failure leaves
   * it prepared, to be finished by the next timeout sweep; the producer's retry is told
   * CONCURRENT_TRANSACTIONS until then.
   */
  private complete(prepared: TransactionMetadata): Promise<number> {
    const id = prepared.transactionalId
    let running = this.completing.get(id)
    if (!running) {
      running = this.writeOutcome(prepared).finally(() => this.completing.delete(id))
      this.completing.set(id, running)
    }
    return running
  }

  private async writeOutcome(prepared: TransactionMetadata): Promise<number> {
    const id = prepared.transactionalId
    const kind: EndTxnMarkerKind = prepared.state === 'PrepareCommit' ? 'commit' : 'abort'
    try {
      await this.writeMarkers(prepared, kind)
      if (kind === 'commit') await this.commitStagedOffsets(prepared)
    } catch (error) {
      this.deps.logger.warn(`Writing the ${kind} of transactional id ${id} failed (${(error as Error).message}); it is retried every ${this.settings.abortCheckIntervalMs} ms`)
      return ErrorCode.KAFKA_STORAGE_ERROR
    }
    return this.guarded(id, async () => {
      // Nothing changes a prepared transaction but its completion, so `prepared` is still current.
      await this.persist({
        ...prepared, state: kind === 'commit' ? 'CompleteCommit' : 'CompleteAbort',
        partitions: [], groups: [], stagedOffsets: [], lastUpdateMs: this.now(),
      })
      this.markersWritten.delete(id)
      return ErrorCode.NONE
    })
  }

  private async writeMarkers(prepared: TransactionMetadata, kind: EndTxnMarkerKind): Promise<void> {
    const id = prepared.transactionalId
    const done = this.markersWritten.get(id) ?? new Set<string>()
    this.markersWritten.set(id, done)
    const timestamp = this.now()
    const writes = prepared.partitions.map(async ({topic, partition}) => {
      const key = partitionKey(topic, partition)
      const target = this.deps.partition(topic, partition)
      // A partition deleted since it joined the transaction has no readers left to tell.
      if (done.has(key) || !target) return
      const marker = encodeEndTxnMarker({producerId: prepared.producerId, producerEpoch: prepared.producerEpoch, kind, coordinatorEpoch: 0, timestamp})
      try {
        await target.append(marker, true)
      } catch (error) {
        if (this.deps.partition(topic, partition) === target) throw error
      }
      done.add(key)
    })
    const failure = (await Promise.allSettled(writes)).find((result) => result.status === 'rejected')
    if (failure) throw failure.reason
  }

  private async commitStagedOffsets(prepared: TransactionMetadata): Promise<void> {
    const byGroup = new Map<string, Omit<StagedOffset, 'groupId'>[]>()
    for (const {groupId, ...offset} of prepared.stagedOffsets) byGroup.set(groupId, [...(byGroup.get(groupId) ?? []), offset])
    await Promise.all([...byGroup].map(([groupId, offsets]) => this.deps.groups.commitTransactionalOffsets(groupId, offsets)))
  }

  // ---- Timeouts and expiry -----------------------------------------------------------------

  /**
   * One round of Kafka's transaction-abort task: Ongoing transactions past their timeout are
   * aborted with a bumped epoch, so their producer is fenced; completions that failed are
   * retried; idle transactional ids past transactional.id.expiration.ms are forgotten.
   */
  async abortTimedOutTransactions(): Promise<void> {
    if (this.sweeping) return
    this.sweeping = true
    try {
      const now = this.now()
      const work: Promise<unknown>[] = []
      for (const metadata of this.records.values()) {
        if (this.completing.has(metadata.transactionalId)) continue
        if (metadata.state === 'Ongoing' && metadata.startTimeMs + metadata.timeoutMs < now) work.push(this.abortTimedOut(metadata))
        else if (isPrepared(metadata.state)) work.push(this.complete(metadata))
        else if (metadata.state !== 'Ongoing' && metadata.lastUpdateMs + this.settings.idExpirationMs <= now) work.push(this.expire(metadata))
      }
      await Promise.all(work)
    } finally {
      this.sweeping = false
    }
  }

  private async abortTimedOut(seen: TransactionMetadata): Promise<void> {
    const id = seen.transactionalId
    const fenced = await this.guarded(id, async () => {
      const current = this.records.get(id)
      if (!current || current.state !== 'Ongoing' || current.producerId !== seen.producerId || current.startTimeMs + current.timeoutMs >= this.now()) return ErrorCode.NONE
      const next = this.fenced(current)
      await this.persist(next)
      return next
    })
    if (typeof fenced === 'number') return
    this.deps.logger.info(`Aborting the transaction of transactional id ${id} (producer id ${fenced.producerId}): open longer than its timeout of ${fenced.timeoutMs} ms`)
    await this.complete(fenced)
  }

  private async expire(seen: TransactionMetadata): Promise<void> {
    await this.guarded(seen.transactionalId, async () => {
      if (this.records.get(seen.transactionalId) !== seen) return ErrorCode.NONE
      await this.store.save(seen.transactionalId, null)
      this.apply(seen.transactionalId, null)
      return ErrorCode.NONE
    })
  }

  // ---- What the rest of the broker asks ----------------------------------------------------

  /**
   * The error for a transactional batch arriving at a partition: NONE when its producer's
   * transaction is Ongoing and holds the partition. Otherwise what Kafka's verification answers
   * older producers (a fenced epoch as INVALID_PRODUCER_EPOCH, a partition never added as
   * INVALID_TXN_STATE).
   */
  verifyTransactionalProduce(producerId: number, producerEpoch: number, topic: string, partition: number): number {
    const id = this.idsByProducerId.get(producerId)
    const metadata = id === undefined ? undefined : this.records.get(id)
    if (!metadata) return ErrorCode.INVALID_PRODUCER_ID_MAPPING
    if (metadata.producerEpoch !== producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH
    if (isPrepared(metadata.state)) return ErrorCode.CONCURRENT_TRANSACTIONS
    if (metadata.state !== 'Ongoing' || !this.partitionKeysOf(metadata).has(partitionKey(topic, partition))) return ErrorCode.INVALID_TXN_STATE
    return ErrorCode.NONE
  }

  /** Whether an open transaction has staged an offset for this group's partition. */
  hasPendingOffsets(groupId: string, topic: string, partition: number): boolean {
    return this.stagedOffsetOwners.has(offsetKey(groupId, topic, partition))
  }

  describe(transactionalId: string): TransactionMetadata | undefined {
    return this.records.get(transactionalId)
  }

  list(filter: TransactionListFilter): TransactionList {
    return listTransactions(this.records.values(), filter, this.now())
  }

  // ---- State -------------------------------------------------------------------------------

  /** Runs a change under the id's lock; a failure to persist is answered COORDINATOR_NOT_AVAILABLE, which clients retry. */
  private guarded<T>(transactionalId: string, task: () => Promise<T | number>): Promise<T | number> {
    return this.locks.run(transactionalId, async () => {
      try {
        return await task()
      } catch (error) {
        this.deps.logger.warn(`Storing the state of transactional id ${transactionalId} failed: ${(error as Error).message}`)
        return ErrorCode.COORDINATOR_NOT_AVAILABLE
      }
    })
  }

  private async persist(next: TransactionMetadata): Promise<void> {
    await this.store.save(next.transactionalId, next)
    this.apply(next.transactionalId, next)
  }

  private apply(transactionalId: string, next: TransactionMetadata | null): void {
    const previous = this.records.get(transactionalId)
    if (previous) {
      if (this.idsByProducerId.get(previous.producerId) === transactionalId) this.idsByProducerId.delete(previous.producerId)
      for (const {groupId, topic, partition} of previous.stagedOffsets) {
        const key = offsetKey(groupId, topic, partition)
        const owners = this.stagedOffsetOwners.get(key)
        owners?.delete(transactionalId)
        if (owners?.size === 0) this.stagedOffsetOwners.delete(key)
      }
    }
    if (next === null) {
      this.records.delete(transactionalId)
      return
    }
    this.records.set(transactionalId, next)
    this.idsByProducerId.set(next.producerId, transactionalId)
    for (const {groupId, topic, partition} of next.stagedOffsets) {
      const key = offsetKey(groupId, topic, partition)
      const owners = this.stagedOffsetOwners.get(key) ?? new Set<string>()
      owners.add(transactionalId)
      this.stagedOffsetOwners.set(key, owners)
    }
  }

  private partitionKeysOf(metadata: TransactionMetadata): ReadonlySet<string> {
    let keys = this.partitionKeys.get(metadata)
    if (!keys) {
      keys = new Set(metadata.partitions.map(({topic, partition}) => partitionKey(topic, partition)))
      this.partitionKeys.set(metadata, keys)
    }
    return keys
  }
}
