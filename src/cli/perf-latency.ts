/**
 * end-to-end-latency's loop, as Kafka's EndToEndLatency runs it: one record at a time is sent,
 * acknowledged (linger.ms=0), then read back from the end of the topic, and the whole round trip
 * is timed. The record read must be the one sent, and the only one. The topic is created with one
 * partition when it does not exist.
 */
import {Admin} from '../client/admin.js'
import type {Cluster, TopicMetadata} from '../client/cluster.js'
import {UnknownTopicError} from '../client/errors.js'
import {Fetcher} from '../client/fetcher.js'
import {Producer} from '../client/producer.js'
import {CliError} from './errors.js'
import {seededRandom} from './perf-payloads.js'
import {percentiles} from './perf-stats.js'

/** Kafka's tool gives up on a record that has not come back after this long. */
export const POLL_TIMEOUT_MS = 60_000
/** How long one Fetch may wait at the broker; the broker answers as soon as the record lands. */
const FETCH_WAIT_MS = 500

export interface LatencyPlan {
  topic: string
  numMessages: number
  messageSize: number
  acks: -1 | 1
  /** Kafka prints a progress line every 1000 records. */
  onProgress: (index: number, elapsedMs: number) => void
  /** Kafka's note before it creates a missing topic. */
  onCreateTopic: (topic: string) => void
}

export interface LatencySummary {
  messages: number
  avgLatencyMs: number
  latencyPercentilesMs: {p50: number; p99: number; p999: number}
}

export class EndToEndLatencyRun {
  private stopped = false
  private done = 0

  constructor(
    private readonly cluster: Cluster,
    private readonly plan: LatencyPlan,
  ) {}

  get completed(): number {
    return this.done
  }

  /** Ends the loop after the current round trip (Ctrl-C); the results so far are reported. */
  stop(): void {
    this.stopped = true
  }

  async run(): Promise<LatencySummary> {
    const {topic, numMessages, messageSize} = this.plan
    const metadata = await this.topicOrCreate(topic)
    const fetcher = new Fetcher(this.cluster, {maxWaitMs: FETCH_WAIT_MS, autoOffsetReset: 'latest'})
    await fetcher.assign(metadata.partitions.map(({partition}) => ({topic, partition, start: 'latest' as const})))
    const producer = new Producer(this.cluster, {acks: this.plan.acks, lingerMs: 0, autoCreateTopics: false})
    await producer.prepare(topic)
    const random = seededRandom(0)
    const latencies = new Int32Array(numMessages)
    let totalMs = 0
    for (let index = 0; index < numMessages && !this.stopped; index++) {
      // Kafka fills each message with one random capital letter.
      const message = Buffer.alloc(messageSize, 65 + Math.floor(random() * 26))
      const begin = process.hrtime.bigint()
      producer.send({topic, key: null, value: message})
      await producer.flush()
      const records = await pollUntilAny(fetcher)
      const elapsedMs = Number(process.hrtime.bigint() - begin) / 1e6
      validate(message, records)
      if (index % 1000 === 0) this.plan.onProgress(index, elapsedMs)
      totalMs += elapsedMs
      latencies[index] = Math.floor(elapsedMs)
      this.done++
    }
    const [p50, p99, p999] = percentiles(latencies, this.done, [0.5, 0.99, 0.999])
    return {messages: this.done, avgLatencyMs: this.done === 0 ? 0 : totalMs / this.done, latencyPercentilesMs: {p50, p99, p999}}
  }

  private async topicOrCreate(topic: string): Promise<TopicMetadata> {
    try {
      return await this.cluster.topic(topic, {autoCreate: false})
    } catch (error) {
      if (!(error instanceof UnknownTopicError)) throw error
    }
    this.plan.onCreateTopic(topic)
    const [created] = await new Admin(this.cluster).createTopics([{name: topic, partitions: 1, replicationFactor: 1}])
    if (created?.error) throw new CliError(`Creation of topic ${topic} failed: ${created.error.message}`)
    return this.cluster.topic(topic, {autoCreate: false})
  }
}

async function pollUntilAny(fetcher: Fetcher): Promise<Array<{value: Buffer | null}>> {
  const deadline = Date.now() + POLL_TIMEOUT_MS
  for (;;) {
    const records = await fetcher.poll()
    if (records.length > 0) return records
    if (Date.now() >= deadline) throw new CliError(`poll() timed out before finding a result (timeout:[${POLL_TIMEOUT_MS}])`)
  }
}

function validate(sent: Buffer, records: Array<{value: Buffer | null}>): void {
  const read = records[0].value
  if (!read || !read.equals(sent))
    throw new CliError(`The message read [${read?.toString('utf8') ?? 'null'}] did not match the message sent [${sent.toString('utf8')}]`, {
      hint: 'Something else is producing to this topic: use a topic of its own for the latency test.',
    })
  if (records.length !== 1)
    throw new CliError(`Only one result was expected during this test. We found [${records.length}]`, {
      hint: 'Something else is producing to this topic: use a topic of its own for the latency test.',
    })
}
