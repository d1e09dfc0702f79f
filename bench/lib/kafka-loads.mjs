/**
 * The load generators run unchanged against kbus and Apache Kafka, and the parsers for what they
 * print: Kafka's Java ProducerPerformance/ConsumerPerformance, librdkafka through kcat (timed from
 * spawn to exit), the benchmark's own Java client (KafkaBenchTool: topic creation, fixed-rate
 * end-to-end latency), and the CLI timings (kbus vs kafka-topics' TopicCommand).
 */
import {randomFillSync} from 'node:crypto'
import {createWriteStream, existsSync, mkdirSync, renameSync} from 'node:fs'
import {join} from 'node:path'
import {once} from 'node:events'
import {run, runOk, tail} from './procs.mjs'
import {BENCH_CACHE, KAFKA_CLI_JVM, KAFKA_PERF_JVM, KBUS_BIN} from './settings.mjs'

/** @typedef {{value: number, mbPerSec?: number, detail?: string}} Sample */

const CHUNK_BYTES = 1 << 20

/**
 * ProducerPerformance with the tool's defaults apart from acks (Kafka 4: linger.ms=5,
 * batch.size=16384; idempotence on for acks=all, off for acks=1).
 * @returns {Promise<Sample>}
 */
export async function javaProduce({classpath, bootstrap, topic, records, size, acks, timeoutMs}) {
  const result = await runOk('java', [...KAFKA_PERF_JVM, '-cp', classpath, 'org.apache.kafka.tools.ProducerPerformance',
    '--topic', topic, '--num-records', String(records), '--record-size', String(size), '--throughput', '-1',
    '--producer-props', `bootstrap.servers=${bootstrap}`, `acks=${acks}`], {timeoutMs})
  const summary = parseProducerSummary(result.stdout)
  if (!summary) throw new Error(`ProducerPerformance printed no summary: ${tail(result.stdout + result.stderr)}`)
  if (summary.sent !== records) throw new Error(`ProducerPerformance sent ${summary.sent} of ${records} records`)
  return {value: summary.recordsPerSec, mbPerSec: summary.mbPerSec, detail: `avg ${summary.avgMs} ms, p99 ${summary.p99Ms} ms`}
}

/** Kafka's closing line: "N records sent, X records/sec (Y MB/sec), A ms avg latency, M ms max latency, …". */
export function parseProducerSummary(stdout) {
  const match = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.?$/m.exec(stdout)
  if (!match) return null
  return {
    sent: Number(match[1]), recordsPerSec: Number(match[2]), mbPerSec: Number(match[3]), avgMs: Number(match[4]),
    maxMs: Number(match[5]), p50Ms: Number(match[6]), p95Ms: Number(match[7]), p99Ms: Number(match[8]), p999Ms: Number(match[9]),
  }
}

/**
 * ConsumerPerformance in a fresh group; the figure is its fetch rate (fetch.nMsg.sec), which
 * leaves out the group join so the broker's fetch path is what is measured.
 * @returns {Promise<Sample>}
 */
export async function javaConsume({classpath, bootstrap, topic, records, timeoutMs, group}) {
  const result = await runOk('java', [...KAFKA_PERF_JVM, '-cp', classpath, 'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server', bootstrap, '--topic', topic, '--num-records', String(records), '--group', group, '--timeout', '30000'], {timeoutMs})
  const stats = parseConsumerStats(result.stdout)
  if (!stats) throw new Error(`ConsumerPerformance printed no stats: ${tail(result.stdout + result.stderr)}`)
  if (stats.records < records) throw new Error(`ConsumerPerformance read ${stats.records} of ${records} records`)
  return {value: stats.fetchRecordsPerSec, mbPerSec: stats.fetchMbPerSec, detail: `group join ${stats.rebalanceMs} ms`}
}

/** ConsumerPerformance's header line and the data line under it, by column name. */
export function parseConsumerStats(stdout) {
  const lines = stdout.split('\n').map((line) => line.trim())
  const headerAt = lines.findIndex((line) => line.startsWith('start.time,'))
  if (headerAt < 0 || !lines[headerAt + 1]) return null
  const names = lines[headerAt].split(',').map((name) => name.trim())
  const values = lines[headerAt + 1].split(',').map((value) => value.trim())
  const column = (name) => Number(values[names.indexOf(name)])
  const stats = {
    records: column('data.consumed.in.nMsg'),
    rebalanceMs: column('rebalance.time.ms'),
    fetchMbPerSec: column('fetch.MB.sec'),
    fetchRecordsPerSec: column('fetch.nMsg.sec'),
  }
  return Object.values(stats).every(Number.isFinite) ? stats : null
}

/**
 * kcat -P reading a prepared file of newline-separated payloads; records/s over the whole process
 * (start-up and final flush included, a few ms against seconds of sending).
 * @returns {Promise<Sample>}
 */
export async function kcatProduce({bootstrap, topic, records, size, acks, timeoutMs}) {
  const file = await payloadFile(size, records)
  const result = await runOk('kcat', ['-P', '-b', bootstrap, '-t', topic, '-p', '0', '-X', `acks=${acks}`, '-l', file], {timeoutMs})
  if (/Delivery failed|ERROR/i.test(result.stderr)) throw new Error(`kcat -P reported failures: ${tail(result.stderr)}`)
  // The topic is fresh, so its end offset is the count the broker acknowledged.
  const end = await runOk('kcat', ['-Q', '-b', bootstrap, '-t', `${topic}:0:-1`], {timeoutMs: 30_000})
  const stored = Number(/\[0\] offset (\d+)/.exec(end.stdout)?.[1])
  if (stored < records || !Number.isFinite(stored)) throw new Error(`kcat -P: the partition ends at ${end.stdout.trim()} after ${records} records`)
  const seconds = result.ms / 1000
  return {value: records / seconds, mbPerSec: (records * size) / seconds / (1024 * 1024)}
}

/**
 * kcat -C from the beginning to the end of the partition, one '.' per record so the count is
 * checked without shipping payloads through a pipe.
 *
 * queued.min.messages is raised for both brokers: librdkafka 2.0.2 stops fetching once its
 * default 100,000 records are queued and resumes only on a timer ~500 ms later, so a broker
 * that fills kcat's queue faster than kcat prints 100 B records was timed stalling 1–2.5 s in
 * some runs and not in others.
 * @returns {Promise<Sample>}
 */
export async function kcatConsume({bootstrap, topic, records, size, timeoutMs}) {
  const result = await runOk('kcat', ['-C', '-b', bootstrap, '-t', topic, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '.',
    '-X', 'queued.min.messages=10000000'], {timeoutMs})
  const consumed = result.stdout.length
  if (consumed < records) throw new Error(`kcat -C read ${consumed} of ${records} records`)
  const seconds = result.ms / 1000
  return {value: consumed / seconds, mbPerSec: (consumed * size) / seconds / (1024 * 1024)}
}

/** One CreateTopics request (one partition each) through the benchmark's Java helper. */
export async function createTopics({helperClasspath, bootstrap, topics}) {
  await runOk('java', [...KAFKA_CLI_JVM, '-cp', helperClasspath, 'KafkaBenchTool', 'create-topics', bootstrap, ...topics], {timeoutMs: 120_000})
}

/**
 * Fixed-rate end-to-end latency (KafkaBenchTool e2e): p50/p99/p99.9 in ms.
 * @returns {Promise<{p50: number, p99: number, p999: number, max: number}>}
 */
export async function endToEnd({helperClasspath, bootstrap, topic, rate, seconds, warmupSeconds, size, timeoutMs}) {
  const result = await runOk('java', [...KAFKA_PERF_JVM, '-cp', helperClasspath, 'KafkaBenchTool', 'e2e', bootstrap, topic,
    String(rate), String(seconds), String(warmupSeconds), String(size), '1'], {timeoutMs})
  const line = result.stdout.trim().split('\n').pop() ?? ''
  const figures = JSON.parse(line)
  if (figures.measured < figures.expected) throw new Error(`end-to-end: ${figures.measured} of ${figures.expected} records came back`)
  return {p50: figures.p50_ms, p99: figures.p99_ms, p999: figures.p999_ms, max: figures.max_ms}
}

/** Wall time of one CLI call, spawn to exit, in ms; a failing call is an error. */
export async function timeCli(file, args, env) {
  const result = await runOk(file, args, {env, timeoutMs: 60_000})
  return result.ms
}

/** `kbus topics list` (the CLI's default transport, the daemon's Unix socket). */
export const kbusTopicsList = (env) => timeCli(process.execPath, [KBUS_BIN, 'topics', 'list'], env)
export const kbusHelp = (env) => timeCli(process.execPath, [KBUS_BIN, '--help'], env)
/** kafka-topics.sh --list: TopicCommand in a JVM with kafka-run-class.sh's flags. */
export const kafkaTopicsList = (classpath, bootstrap) =>
  timeCli('java', [...KAFKA_CLI_JVM, '-cp', classpath, 'org.apache.kafka.tools.TopicCommand', '--bootstrap-server', bootstrap, '--list'], process.env)
/** kafka-topics.sh --help; TopicCommand exits 1 after printing its usage, so the usage text is what is checked. */
export async function kafkaTopicsHelp(classpath) {
  const result = await run('java', [...KAFKA_CLI_JVM, '-cp', classpath, 'org.apache.kafka.tools.TopicCommand', '--help'], {timeoutMs: 60_000})
  if (!/--bootstrap-server/.test(result.stdout + result.stderr)) throw new Error(`kafka-topics --help printed no usage: ${tail(result.stderr || result.stdout)}`)
  return result.ms
}

/**
 * bench/.cache/payload-<size>x<records>.txt: `records` lines of `size` random capital letters
 * (ProducerPerformance's alphabet), written once.
 */
export async function payloadFile(size, records) {
  const file = join(BENCH_CACHE, `payload-${size}x${records}.txt`)
  if (existsSync(file)) return file
  mkdirSync(BENCH_CACHE, {recursive: true})
  const partial = `${file}.partial`
  const out = createWriteStream(partial)
  const linesPerChunk = Math.max(1, Math.floor(CHUNK_BYTES / (size + 1)))
  for (let written = 0; written < records; written += linesPerChunk) {
    const lines = Math.min(linesPerChunk, records - written)
    const chunk = randomFillSync(Buffer.allocUnsafe(lines * (size + 1)))
    for (let i = 0; i < chunk.length; i++) chunk[i] = (i + 1) % (size + 1) === 0 ? 10 : 65 + (chunk[i] % 26)
    if (!out.write(chunk)) await once(out, 'drain')
  }
  out.end()
  await once(out, 'finish')
  renameSync(partial, file)
  return file
}
