/**
 * producer-perf-test's send loop: records go to the producer without a promise each, the loop
 * yields to the event loop every so often so batches leave and acknowledgements come back while
 * it runs, waits when buffer.memory is full, and holds back to --throughput. Each record's
 * latency is its acknowledgement time minus its CreateTime, which the producer stamps at send.
 */
import {setImmediate as nextTurn, setTimeout as sleep} from 'node:timers/promises'
import type {Cluster} from '../client/cluster.js'
import {ProduceError, Producer, type ProducerOptions} from '../client/producer.js'
import type {PayloadSource} from './perf-payloads.js'
import {type ProducerSummary, type ProducerWindow, ProducerPerfStats} from './perf-stats.js'
import {Throttle} from './perf-throttle.js'

/** Records sent between two yields to the event loop. */
const RECORDS_PER_TURN = 1024

export interface ProducerPerfPlan {
  topic: string
  numRecords: number
  payload: PayloadSource
  /** Records per second; below zero, no limit. */
  throughput: number
  /** --warmup-records: the first records sent, left out of the steady-state figures. */
  warmupRecords: number
  reportingIntervalMs: number
  /** Transactional (transactional.id in the options): commit the open transaction once it is this old. */
  transactionDurationMs?: number
  onWindow: (window: ProducerWindow) => void
  /** The warmup is over: from here the progress lines count steady-state records only. */
  onSteadyState: () => void
}

export interface ProducerPerfResult {
  summary: ProducerSummary
  /** The records sent after the warmup, when there was one. */
  steadyState?: ProducerSummary
  sent: number
  /** Set when some records were not delivered. */
  failure?: ProduceError
}

export class ProducerPerfRun {
  private stopped = false
  private sent = 0
  private stats: ProducerPerfStats | undefined
  private steady: {stats: ProducerPerfStats; sentFrom: number} | undefined

  constructor(
    private readonly cluster: Cluster,
    private readonly options: ProducerOptions,
    private readonly plan: ProducerPerfPlan,
  ) {}

  /** Records sent and acknowledged so far, for a live status line. */
  get progress(): {sent: number; acknowledged: number} {
    return {sent: this.sent, acknowledged: this.stats?.recorded ?? 0}
  }

  /** Ends the send loop early (Ctrl-C); what was sent is still delivered and counted. */
  stop(): void {
    this.stopped = true
  }

  async run(): Promise<ProducerPerfResult> {
    const {topic, numRecords, payload} = this.plan
    const producer = new Producer(this.cluster, {...this.options, onAcknowledged: (records) => this.acknowledged(records)})
    await producer.prepare(topic)
    const transactions = this.plan.transactionDurationMs === undefined ? undefined : new TransactionClock(producer, this.plan.transactionDurationMs)
    await transactions?.init()
    const start = Date.now()
    this.stats = new ProducerPerfStats(numRecords, start, this.plan.onWindow, this.plan.reportingIntervalMs)
    const throttle = new Throttle(this.plan.throughput, start)
    for (let index = 0; index < numRecords && !this.stopped; index++) {
      if (index === this.plan.warmupRecords && index > 0) this.enterSteadyState(numRecords - index)
      if (!throttle.unlimited) {
        const wait = throttle.delayBefore(index, Date.now())
        if (wait > 0) await sleep(wait)
      }
      transactions?.beforeSend()
      producer.send({topic, key: null, value: payload(index)})
      this.sent++
      if (transactions?.due()) await transactions.commit()
      if (producer.needsDrain) await producer.whenCapacity()
      else if (index % RECORDS_PER_TURN === RECORDS_PER_TURN - 1) await nextTurn()
    }
    let failure: ProduceError | undefined
    try {
      await producer.flush()
      await transactions?.finish()
    } catch (error) {
      if (!(error instanceof ProduceError)) throw error
      failure = error
    }
    const end = Date.now()
    return {summary: this.stats.summary(end), steadyState: this.steady?.stats.summary(end), sent: this.sent, failure}
  }

  /**
   * Kafka's ProducerPerformance switches to a second set of figures here. A record belongs to
   * them by its CreateTime, which the producer stamps at send: the switch waits for the clock's
   * next millisecond, so no warmup record shares a timestamp with a steady-state one.
   */
  private enterSteadyState(records: number): void {
    const switchedAt = Date.now()
    let sentFrom = switchedAt
    while (sentFrom === switchedAt) sentFrom = Date.now()
    this.stats?.stopPrintingWindows()
    this.steady = {stats: new ProducerPerfStats(records, sentFrom, this.plan.onWindow, this.plan.reportingIntervalMs), sentFrom}
    this.plan.onSteadyState()
  }

  private acknowledged(records: ReadonlyArray<{timestamp: number; value: Buffer | null}>): void {
    const stats = this.stats
    if (!stats) return
    const now = Date.now()
    const steady = this.steady
    for (const record of records) {
      const latency = now - record.timestamp
      const bytes = record.value?.length ?? 0
      stats.record(latency, bytes, now)
      if (steady && record.timestamp >= steady.sentFrom) steady.stats.record(latency, bytes, now)
    }
  }
}

/**
 * Kafka's ProducerPerformance with transactions: a transaction begins with the first record after
 * a commit, and is committed (waiting for its records) once it is the given age.
 */
class TransactionClock {
  private startedAt: number | undefined

  constructor(
    private readonly producer: Producer,
    private readonly durationMs: number,
  ) {}

  init(): Promise<void> {
    return this.producer.initTransactions()
  }

  beforeSend(): void {
    if (this.startedAt !== undefined) return
    this.producer.beginTransaction()
    this.startedAt = Date.now()
  }

  /** The open transaction is old enough to commit. */
  due(): boolean {
    return this.startedAt !== undefined && Date.now() - this.startedAt >= this.durationMs
  }

  /** Commits the last transaction, if one is open. */
  async finish(): Promise<void> {
    if (this.startedAt !== undefined) await this.commit()
  }

  async commit(): Promise<void> {
    this.startedAt = undefined
    await this.producer.commitTransaction()
  }
}
