/**
 * Kafka's producer, trimmed to what the CLI needs: records are partitioned (murmur2 or sticky),
 * gathered per partition (batch.size, linger.ms), and sent as one Produce request per broker
 * carrying a batch for each ready partition, with up to max.in.flight requests per broker.
 * Retriable errors are retried after retry.backoff.ms; a batch the broker finds too large is
 * split in half until single records remain. `send` is synchronous and allocation-light so a
 * million piped lines cost no per-record promises; `flush` reports what failed.
 *
 * Idempotent (enable.idempotence): a producer id from InitProducerId and per-partition sequence
 * numbers on every batch, so a retry of a batch the broker already wrote is not written twice,
 * and up to max.in.flight batches per partition at once. A gap in the sequence (a sequenced
 * batch failed for good, or the broker lost the producer's sequence) bumps the epoch once
 * nothing is in flight, and every partition starts over at 0, as Kafka's producer does.
 *
 * Transactional (transactional.id): the producer id comes from the transaction coordinator,
 * records are sent between `beginTransaction` and `commitTransaction`/`abortTransaction`, each
 * partition joins the transaction before its first batch goes out, and batches carry the
 * transactional flag. A batch that fails for good fails the transaction (the commit throws)
 * rather than bumping the epoch, which only the coordinator may do for a transactional id.
 */
import {ErrorCode, isRetriable, KafkaError} from '../protocol/errors.js'
import {Produce} from '../protocol/messages/00-produce.js'
import {ATTR_TRANSACTIONAL, Compression} from '../protocol/record-batch.js'
import type {Input, RequestOf} from '../protocol/schema.js'
import {encodeRecordBatch} from '../protocol/records.js'
import {BATCH_OVERHEAD, type Batch, estimateRecordSize, type PendingRecord, RecordAccumulator, splitBatch} from './accumulator.js'
import type {Cluster, TopicMetadata} from './cluster.js'
import {ConnectionError} from './errors.js'
import {initProducerId, SequenceTracker} from './idempotence.js'
import {partitionKey} from './list-offsets.js'
import {partitionForKey, StickyPartitioner} from './partitioner.js'
import {type TopicPartition, TransactionCoordinatorClient} from './transactions.js'
import type {ProducerRecord} from './types.js'
import {withDefaults} from './with-defaults.js'

export interface ProducerOptions {
  /** 0: no answer, 1: the leader wrote it, -1: all in-sync replicas (kbus: after fsync). */
  acks?: -1 | 0 | 1
  lingerMs?: number
  batchSize?: number
  /** Kafka's max.request.size: a larger record fails at once, and requests stay under it. */
  maxRequestSize?: number
  compression?: Compression
  retries?: number
  retryBackoffMs?: number
  /** The broker's time limit for acknowledging a Produce request (request.timeout.ms). */
  requestTimeoutMs?: number
  maxInFlight?: number
  /** buffer.memory: `needsDrain` turns true past it, so callers stop reading input. */
  bufferMemory?: number
  /** delivery.timeout.ms: how long a record may wait for a leader and retries before it fails. */
  deliveryTimeoutMs?: number
  /** Let the broker create a missing topic (Metadata AllowAutoTopicCreation). */
  autoCreateTopics?: boolean
  /**
   * enable.idempotence: a producer id and sequence numbers on every batch. Needs acks=-1 and
   * maxInFlight ≤ 5 (the broker remembers a producer's last five batches).
   */
  idempotent?: boolean
  /** transactional.id: records go out inside transactions (needs `idempotent`). */
  transactionalId?: string
  /** transaction.timeout.ms: the coordinator aborts a transaction left open longer. */
  transactionTimeoutMs?: number
  /**
   * Called once per acknowledged batch (acks=0: once written) with its records, each carrying
   * its send position and CreateTime, so a caller can time deliveries without a promise each.
   */
  onAcknowledged?: (records: readonly PendingRecord[]) => void
}

/** Some records were not delivered: how many, the first of them (by send order) and why. */
export class ProduceError extends Error {
  override name = 'ProduceError'
  /** The first failure's Kafka code (numeric) or connection code (string), for the CLI. */
  readonly code: number | string | undefined

  constructor(
    readonly failedRecords: number,
    readonly firstFailedRecord: number,
    readonly firstError: Error,
  ) {
    super(firstError.message, {cause: firstError})
    this.code = (firstError as {code?: number | string}).code
  }
}

const DEFAULTS = {
  acks: -1,
  lingerMs: 5,
  batchSize: 16_384,
  maxRequestSize: 1_048_576,
  compression: Compression.None,
  retries: 3,
  retryBackoffMs: 100,
  requestTimeoutMs: 30_000,
  maxInFlight: 5,
  bufferMemory: 33_554_432,
  deliveryTimeoutMs: 120_000,
  autoCreateTopics: true,
  idempotent: false,
  transactionalId: '',
  transactionTimeoutMs: 60_000,
  onAcknowledged: () => {},
} as const

/** The broker keeps the last five batches of each producer: more in flight could not be deduplicated. */
export const MAX_IN_FLIGHT_FOR_IDEMPOTENCE = 5

/** The client-side wait for an answer also covers a broker that vanished: never below this. */
const MIN_NETWORK_TIMEOUT_MS = 30_000

type ProduceBody = Input<RequestOf<typeof Produce>>

type TopicState = {ready: TopicMetadata} | {waiting: ProducerRecord[]; seqs: number[]} | {failed: Error}

export class Producer {
  private readonly options: Required<ProducerOptions>
  private readonly accumulator: RecordAccumulator
  private readonly sticky = new StickyPartitioner()
  private readonly topics = new Map<string, TopicState>()
  private readonly inFlightPerNode = new Map<number, number>()
  private requestsInFlight = 0
  /** Set when idempotent. */
  private readonly sequences: SequenceTracker | undefined
  private fetchingProducerId = false
  /** The epoch must be bumped before anything more goes out (once nothing is in flight). */
  private epochBumpPending = false
  /** Why nothing more can be sent (the producer id could not be had); every record fails with it. */
  private fatal: Error | undefined
  private sent = 0
  /** Records sent and not yet acknowledged or failed. */
  private outstanding = 0
  private failedCount = 0
  private firstFailure: {seq: number; error: Error} | undefined
  private flushing = 0
  private drainScheduled = false
  private timer: NodeJS.Timeout | undefined
  private timerAt = Infinity
  private idleWaiters: Array<() => void> = []
  private capacityWaiters: Array<() => void> = []
  private readonly staleTopics = new Set<string>()
  /** Set when transactional. */
  private readonly transactions: TransactionCoordinatorClient | undefined
  private inTransaction = false
  /** Partitions of the open transaction, as `topic\0partition`; the ones being added. */
  private readonly transactionPartitions = new Set<string>()
  private addingPartitions = false

  constructor(
    private readonly cluster: Cluster,
    options: ProducerOptions = {},
  ) {
    this.options = withDefaults(DEFAULTS as Required<ProducerOptions>, options)
    const {idempotent, acks, maxInFlight} = this.options
    if (idempotent && acks !== -1) throw new RangeError('Must set acks to all in order to use the idempotent producer.')
    if (idempotent && maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE)
      throw new RangeError(`To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE}.`)
    if (this.options.transactionalId && !idempotent) throw new RangeError('Cannot set a transactional.id without also enabling idempotence.')
    this.sequences = idempotent ? new SequenceTracker() : undefined
    this.transactions = this.options.transactionalId
      ? new TransactionCoordinatorClient(cluster, {
          transactionalId: this.options.transactionalId,
          timeoutMs: this.options.transactionTimeoutMs,
          deadlineMs: this.options.deliveryTimeoutMs,
          retryBackoffMs: this.options.retryBackoffMs,
          requestTimeoutMs: Math.max(this.options.requestTimeoutMs, MIN_NETWORK_TIMEOUT_MS),
        })
      : undefined
    this.accumulator = new RecordAccumulator(this.options.batchSize, this.options.lingerMs, idempotent ? maxInFlight : 1)
  }

  /** The producer id and epoch batches carry now (idempotent, once InitProducerId has answered). */
  get producerIdentity(): {producerId: number; producerEpoch: number} | undefined {
    return this.sequences?.identity
  }

  /** Kafka's initTransactions: the transactional id's producer id and epoch, fencing older producers of it. */
  async initTransactions(): Promise<void> {
    const {sequences, transactions} = this
    if (!sequences || !transactions) throw new RangeError('initTransactions needs a transactional.id.')
    sequences.begin(await transactions.initProducerId())
  }

  /** Opens a transaction: the records sent until it is committed or aborted belong to it. */
  beginTransaction(): void {
    if (!this.transactions || !this.sequences?.identity) throw new RangeError('Call initTransactions before beginTransaction.')
    if (this.inTransaction) throw new RangeError('A transaction is already open.')
    this.inTransaction = true
    this.transactionPartitions.clear()
  }

  /** Delivers the transaction's records, then commits it; throws (the records' failure, or the coordinator's) when it cannot. */
  async commitTransaction(): Promise<void> {
    await this.endTransaction(true)
  }

  /** Delivers what was sent, then aborts the transaction: read_committed readers never see its records. */
  async abortTransaction(): Promise<void> {
    await this.endTransaction(false)
  }

  private async endTransaction(commit: boolean): Promise<void> {
    const {sequences, transactions} = this
    if (!transactions || !sequences?.identity || !this.inTransaction) throw new RangeError('No transaction is open.')
    try {
      await this.flush()
    } catch (error) {
      if (commit) throw error
      // The aborted transaction's failures are over with it: the next transaction starts clean.
      this.firstFailure = undefined
    }
    // A transaction that never reached a partition has nothing for the coordinator to end.
    if (this.transactionPartitions.size > 0) await transactions.endTransaction(sequences.identity, commit)
    this.inTransaction = false
    this.transactionPartitions.clear()
  }

  /** Fetches (and, if allowed, creates) a topic's metadata before any record is sent to it. */
  async prepare(topic: string): Promise<TopicMetadata> {
    const state = this.topics.get(topic)
    const outcome = state && !('waiting' in state) ? state : await this.loadTopic(topic)
    if ('failed' in outcome) throw outcome.failed
    return outcome.ready
  }

  /** Queues a record; failures surface from `flush`. Returns its 1-based send position. */
  send(record: ProducerRecord): number {
    if (this.transactions && !this.inTransaction) throw new RangeError('Cannot send outside a transaction: call beginTransaction first.')
    const seq = ++this.sent
    this.outstanding++
    const state = this.topics.get(record.topic)
    if (state === undefined) {
      this.topics.set(record.topic, {waiting: [record], seqs: [seq]})
      void this.loadTopic(record.topic)
    } else if ('waiting' in state) {
      state.waiting.push(record)
      state.seqs.push(seq)
    } else if ('failed' in state) {
      this.fail(seq, state.failed)
    } else {
      this.place(record, seq, state.ready)
    }
    return seq
  }

  /** True while buffer.memory is used up: stop calling `send` until `whenCapacity` resolves. */
  get needsDrain(): boolean {
    return this.accumulator.bufferedBytes >= this.options.bufferMemory
  }

  whenCapacity(): Promise<void> {
    if (!this.needsDrain) return Promise.resolve()
    return new Promise((resolve) => this.capacityWaiters.push(resolve))
  }

  /** Sends everything buffered now; resolves when all sent records are settled, rejects if any failed. */
  async flush(): Promise<void> {
    if (this.outstanding > 0) {
      this.flushing++
      this.scheduleDrain()
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
      this.flushing--
    }
    if (this.firstFailure) throw new ProduceError(this.failedCount, this.firstFailure.seq, this.firstFailure.error)
  }

  /** Records acknowledged so far. */
  get delivered(): number {
    return this.sent - this.outstanding - this.failedCount
  }

  /** Looks the topic up and places (or fails) the records that waited for it. */
  private async loadTopic(topic: string): Promise<{ready: TopicMetadata} | {failed: Error}> {
    let outcome: {ready: TopicMetadata} | {failed: Error}
    try {
      outcome = {ready: await this.cluster.topic(topic, {autoCreate: this.options.autoCreateTopics})}
    } catch (error) {
      outcome = {failed: error as Error}
    }
    const state = this.topics.get(topic)
    this.topics.set(topic, outcome)
    if (state && 'waiting' in state)
      state.waiting.forEach((record, index) => {
        if ('ready' in outcome) this.place(record, state.seqs[index], outcome.ready)
        else this.fail(state.seqs[index], outcome.failed)
      })
    return outcome
  }

  private place(record: ProducerRecord, seq: number, topic: TopicMetadata): void {
    const count = topic.partitions.length
    const size = estimateRecordSize(record.key, record.value, record.headers)
    if (size + BATCH_OVERHEAD > this.options.maxRequestSize) {
      this.fail(
        seq,
        new KafkaError(
          ErrorCode.MESSAGE_TOO_LARGE,
          `The message is ${size} bytes when serialized which is larger than ${this.options.maxRequestSize}, which is the value of the max.request.size configuration.`,
        ),
      )
      return
    }
    let partition: number
    if (record.partition !== undefined) {
      if (record.partition < 0 || record.partition >= count) {
        this.fail(seq, new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${record.partition} of topic '${record.topic}' does not exist (it has ${count}).`))
        return
      }
      partition = record.partition
    } else if (record.key !== null) {
      partition = partitionForKey(record.key, count)
    } else {
      partition = this.sticky.partition(record.topic, count)
      // Kafka moves null-key records on when their batch fills, before adding to a new one.
      if (this.accumulator.wouldSeal(record.topic, partition, size)) {
        this.sticky.batchClosed(record.topic, partition, count)
        partition = this.sticky.partition(record.topic, count)
      }
    }
    const pending: PendingRecord = {key: record.key, value: record.value, headers: record.headers, timestamp: record.timestamp ?? Date.now(), seq}
    const sealed = this.accumulator.append(record.topic, partition, pending, size, Date.now())
    if (sealed) this.batchSealed(sealed)
    this.scheduleDrain(sealed ? 0 : this.options.lingerMs)
  }

  private batchSealed(batch: Batch): void {
    const topic = this.cluster.cachedTopic(batch.topic)
    if (topic) this.sticky.batchClosed(batch.topic, batch.partition, topic.partitions.length)
  }

  /** Runs `drain` after `delayMs` (0: on the next turn of the event loop), once. */
  private scheduleDrain(delayMs = 0): void {
    if (delayMs <= 0) {
      if (this.drainScheduled) return
      this.drainScheduled = true
      setImmediate(() => {
        this.drainScheduled = false
        this.drain()
      })
      return
    }
    const at = Date.now() + delayMs
    if (this.timer && this.timerAt <= at) return
    if (this.timer) clearTimeout(this.timer)
    this.timerAt = at
    this.timer = setTimeout(() => {
      this.timer = undefined
      this.timerAt = Infinity
      this.drain()
    }, delayMs)
  }

  private drain(): void {
    if (this.fatal) {
      for (const batch of this.accumulator.takeAll()) this.failBatch(batch, this.fatal)
      return
    }
    if (this.sequences && !this.readyToSendIdempotently(this.sequences)) return
    const now = Date.now()
    const flushing = this.flushing > 0
    const joining: TopicPartition[] = []
    let progress = true
    while (progress && !this.epochBumpPending) {
      progress = false
      const byNode = new Map<number, Batch[]>()
      for (const batch of this.accumulator.ready(now, flushing, (sealed) => this.batchSealed(sealed))) {
        if (this.transactions && !this.transactionPartitions.has(partitionKey(batch.topic, batch.partition))) {
          if (!joining.some((p) => p.topic === batch.topic && p.partition === batch.partition)) joining.push({topic: batch.topic, partition: batch.partition})
          continue
        }
        const leader = this.cluster.leaderOf(batch.topic, batch.partition)
        if (leader < 0) {
          if (now - batch.createdAt >= this.options.deliveryTimeoutMs) {
            this.accumulator.take(batch)
            this.failBatch(batch, new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `No leader for ${batch.topic}-${batch.partition} within delivery.timeout.ms (${this.options.deliveryTimeoutMs} ms).`))
          } else this.refreshLater(batch.topic)
          continue
        }
        if ((this.inFlightPerNode.get(leader) ?? 0) >= this.options.maxInFlight) continue
        let list = byNode.get(leader)
        if (!list) byNode.set(leader, (list = []))
        list.push(batch)
      }
      for (const [node, batches] of byNode) {
        this.sendRequest(node, batches)
        progress = true
      }
    }
    if (joining.length > 0) this.addToTransaction(joining)
    // A batch that expired above left a gap: the next drain bumps the epoch (or waits to).
    if (this.epochBumpPending) this.scheduleDrain()
    const next = this.accumulator.nextDeadline()
    if (next !== undefined) this.scheduleDrain(Math.max(1, next - now))
  }

  /**
   * Idempotent sending needs a producer id, and a pending epoch bump waits for every request in
   * flight to come back first: a batch of the old epoch landing after one of the new would be
   * refused. Starts whichever is due; false while batches must wait.
   */
  private readyToSendIdempotently(sequences: SequenceTracker): boolean {
    if (this.epochBumpPending) {
      if (this.requestsInFlight > 0) return false
      this.epochBumpPending = false
      sequences.bumpEpoch()
    }
    if (sequences.identity) return true
    if (!this.fetchingProducerId) {
      this.fetchingProducerId = true
      void this.fetchProducerId(sequences).finally(() => {
        this.fetchingProducerId = false
        this.scheduleDrain()
      })
    }
    return false
  }

  /**
   * AddPartitionsToTxn for partitions whose batches wait to go out, one request at a time; their
   * batches leave on the drain after it. A refusal fails everything still to be sent.
   */
  private addToTransaction(partitions: TopicPartition[]): void {
    const identity = this.sequences?.identity
    if (this.addingPartitions || !this.transactions || !identity) return
    this.addingPartitions = true
    this.transactions
      .addPartitions(identity, partitions)
      .then(
        () => {
          for (const {topic, partition} of partitions) this.transactionPartitions.add(partitionKey(topic, partition))
        },
        (error: Error) => {
          this.fatal = error
        },
      )
      .finally(() => {
        this.addingPartitions = false
        this.scheduleDrain()
      })
  }

  /** InitProducerId, asked again after retriable failures until delivery.timeout.ms runs out. */
  private async fetchProducerId(sequences: SequenceTracker): Promise<void> {
    const deadline = Date.now() + this.options.deliveryTimeoutMs
    for (;;) {
      try {
        if (this.transactions) {
          sequences.begin(await this.transactions.initProducerId())
          return
        }
        const connection = await this.cluster.anyBroker()
        sequences.begin(await initProducerId(connection, Math.max(this.options.requestTimeoutMs, MIN_NETWORK_TIMEOUT_MS)))
        return
      } catch (error) {
        const retriable = error instanceof ConnectionError || (error instanceof KafkaError && isRetriable(error.code))
        if (!retriable || Date.now() + this.options.retryBackoffMs >= deadline) {
          this.fatal = error as Error
          return
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.retryBackoffMs))
      }
    }
  }

  /** One Produce request to `node`: a batch per partition, as many as fit in max.request.size. */
  private sendRequest(node: number, candidates: Batch[]): void {
    const batches: Batch[] = []
    const encoded: Buffer[] = []
    let size = 0
    const identity = this.sequences?.identity
    for (const batch of candidates) {
      const baseSequence = batch.baseSequence >= 0 || !this.sequences ? batch.baseSequence : this.sequences.peek(batch.topic, batch.partition)
      const bytes = encodeRecordBatch({
        records: batch.records,
        compression: this.options.compression,
        producerId: identity?.producerId,
        producerEpoch: identity?.producerEpoch,
        baseSequence,
        attributes: this.transactions ? ATTR_TRANSACTIONAL : 0,
      })
      if (batches.length > 0 && size + bytes.length > this.options.maxRequestSize) break
      this.accumulator.take(batch)
      if (this.sequences && batch.baseSequence < 0) this.sequences.assign(batch)
      batch.attempts++
      batches.push(batch)
      encoded.push(bytes)
      size += bytes.length
    }
    const byTopic = new Map<string, Array<{index: number; records: Buffer}>>()
    batches.forEach((batch, index) => {
      let partitions = byTopic.get(batch.topic)
      if (!partitions) byTopic.set(batch.topic, (partitions = []))
      partitions.push({index: batch.partition, records: encoded[index]})
    })
    const body: ProduceBody = {
      transactionalId: this.options.transactionalId || null,
      acks: this.options.acks,
      timeoutMs: this.options.requestTimeoutMs,
      topicData: [...byTopic].map(([name, partitionData]) => ({name, partitionData})),
    }
    this.inFlightPerNode.set(node, (this.inFlightPerNode.get(node) ?? 0) + 1)
    this.requestsInFlight++
    void this.exchange(node, body, batches).finally(() => {
      this.inFlightPerNode.set(node, (this.inFlightPerNode.get(node) ?? 1) - 1)
      this.requestsInFlight--
      this.scheduleDrain()
    })
  }

  private async exchange(node: number, body: ProduceBody, batches: Batch[]): Promise<void> {
    let answers: Map<string, {errorCode: number; errorMessage: string | null}>
    try {
      const connection = await this.cluster.connectionTo(node)
      if (this.options.acks === 0) {
        await connection.sendOnly(Produce, body)
        for (const batch of batches) this.settle(batch)
        return
      }
      const response = await connection.request(Produce, body, {
        timeoutMs: Math.max(this.options.requestTimeoutMs, MIN_NETWORK_TIMEOUT_MS),
      })
      answers = new Map()
      for (const topic of response.responses)
        for (const partition of topic.partitionResponses)
          answers.set(`${topic.name}\0${partition.index}`, {errorCode: partition.errorCode, errorMessage: partition.errorMessage ?? null})
    } catch (error) {
      for (const batch of batches) this.handleFailure(batch, error as Error, true)
      return
    }
    for (const batch of batches) {
      const answer = answers.get(`${batch.topic}\0${batch.partition}`)
      if (!answer)
        this.handleFailure(batch, new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `The broker did not answer for ${batch.topic}-${batch.partition}.`), false)
      // The Java producer takes DUPLICATE_SEQUENCE_NUMBER as success too: the batch is there.
      else if (answer.errorCode === ErrorCode.NONE || answer.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) this.settle(batch)
      else this.handleFailure(batch, new KafkaError(answer.errorCode, answer.errorMessage ?? undefined), false)
    }
  }

  private handleFailure(batch: Batch, error: Error, network: boolean): void {
    const code = error instanceof KafkaError ? error.code : undefined
    if (code === ErrorCode.MESSAGE_TOO_LARGE && batch.records.length > 1) {
      const halves = splitBatch(batch, (r) => estimateRecordSize(r.key, r.value, r.headers))
      this.sequences?.replace(batch, halves)
      this.accumulator.requeue(batch, halves)
      return
    }
    const retriable = network || (code !== undefined && isRetriable(code)) || this.sequenceTrouble(batch, code)
    const expired = Date.now() - batch.createdAt >= this.options.deliveryTimeoutMs
    if (retriable && batch.attempts <= this.options.retries && !expired) {
      batch.notBefore = Date.now() + this.options.retryBackoffMs
      this.accumulator.requeue(batch)
      this.refreshLater(batch.topic)
      return
    }
    this.failBatch(batch, error)
  }

  /**
   * OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID are retried as Kafka's idempotent
   * producer retries them. Behind an unacknowledged batch they only echo that batch's trouble:
   * the batch goes again once the earlier one is through. For the oldest unacknowledged batch
   * the broker has lost this producer's sequence: the epoch is bumped and sequences start over.
   */
  private sequenceTrouble(batch: Batch, code: number | undefined): boolean {
    if (!this.sequences || this.transactions || (code !== ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && code !== ErrorCode.UNKNOWN_PRODUCER_ID)) return false
    if (this.sequences.isOldestUnacknowledged(batch)) this.epochBumpPending = true
    return true
  }

  private failBatch(batch: Batch, error: Error): void {
    this.accumulator.release(batch)
    if (this.sequences && batch.baseSequence >= 0) {
      // A gap in the partition's sequence: the batches after it cannot land until the epoch is bumped.
      this.sequences.finished(batch)
      // A transactional producer's failed batch fails its transaction instead (the commit throws).
      if (!this.transactions) this.epochBumpPending = true
    }
    for (const record of batch.records) this.recordFailure(record.seq, error)
    this.settled(batch.records.length)
  }

  private settle(batch: Batch): void {
    this.sequences?.finished(batch)
    this.accumulator.release(batch)
    this.options.onAcknowledged(batch.records)
    this.settled(batch.records.length)
  }

  private fail(seq: number, error: Error): void {
    this.recordFailure(seq, error)
    this.settled(1)
  }

  private recordFailure(seq: number, error: Error): void {
    this.failedCount++
    if (!this.firstFailure || seq < this.firstFailure.seq) this.firstFailure = {seq, error}
  }

  private settled(count: number): void {
    this.outstanding -= count
    if (!this.needsDrain) for (const resolve of this.capacityWaiters.splice(0)) resolve()
    if (this.outstanding === 0) for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  /** Re-reads a topic's leaders soon (a leader moved, or was unknown). */
  private refreshLater(topic: string): void {
    if (this.staleTopics.has(topic)) return
    this.staleTopics.add(topic)
    setTimeout(() => {
      this.staleTopics.delete(topic)
      this.cluster
        .refresh([topic])
        .catch(() => undefined)
        .finally(() => this.scheduleDrain())
    }, this.options.retryBackoffMs)
  }
}
