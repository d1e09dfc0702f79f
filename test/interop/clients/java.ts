/**
 * Apache Kafka 4.x from Maven Central: the tools behind kafka-topics, kafka-console-producer,
 * kafka-console-consumer, kafka-get-offsets, kafka-configs, kafka-delete-records and
 * kafka-consumer-groups, run as `java -cp <jars> <main class>` — the Java
 * producer, consumer and Admin client underneath, exactly as a user's scripts drive them.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import type {GroupMember, InteropClient, PerfToolsRun, ProduceOptions, ReadOptions, RunningApp, StartAt, TopicDescription, TransactionPlan} from '../harness/client.js'
import {READ_TIMEOUT_MS} from '../harness/client.js'
import {parseCommittedOffsets} from '../harness/group-table.js'
import {LINE_READER_PROPERTIES, NULL_MARKER, producerLines} from '../harness/kbus-reference.js'
import {ensureKafkaJava} from '../harness/peers.js'
import {consumerPerfSummary, producerPerfSummary} from '../harness/perf-output.js'
import {LongRunning, run, runOk} from '../harness/process.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'
import {KAFKA_JAVA_VERSION} from '../harness/settings.js'
import {parseTopicSummary} from '../harness/topic-summary.js'

/** The suite's Java transactional producer, run from source (the CLI scenarios use it too). */
export const TRANSACTIONS_PEER = fileURLToPath(new URL('TransactionsPeer.java', import.meta.url))

const TOOLS = {
  topics: 'org.apache.kafka.tools.TopicCommand',
  consoleProducer: 'org.apache.kafka.tools.ConsoleProducer',
  consoleConsumer: 'org.apache.kafka.tools.consumer.ConsoleConsumer',
  getOffsets: 'org.apache.kafka.tools.GetOffsetShell',
  deleteRecords: 'org.apache.kafka.tools.DeleteRecordsCommand',
  consumerGroups: 'org.apache.kafka.tools.consumer.group.ConsumerGroupCommand',
  /** kafka-configs is still Scala, in kafka_2.13 (the broker's jar). */
  configs: 'kafka.admin.ConfigCommand',
  producerPerf: 'org.apache.kafka.tools.ProducerPerformance',
  consumerPerf: 'org.apache.kafka.tools.ConsumerPerformance',
  /** Kafka Streams' quickstart application, in kafka-streams-examples. */
  wordCount: 'org.apache.kafka.streams.examples.wordcount.WordCountDemo',
}

/** Splits the console consumer's fields; a control character no record in the suite contains. */
const FIELD_SEPARATOR = '\u001f'

const FORMATTER_PROPERTIES = [
  'print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true',
  'print.value=true', `key.separator=${FIELD_SEPARATOR}`, `null.literal=${NULL_MARKER}`,
]

export class JavaClient implements InteropClient {
  readonly name = 'java'
  private classpath = ''

  constructor(private readonly bootstrap: string) {}

  async prepare(): Promise<string> {
    this.classpath = await ensureKafkaJava()
    const {stderr} = await runOk('java', ['-version'])
    const jvm = /version "([^"]+)"/.exec(stderr)?.[1] ?? 'unknown'
    return `kafka-clients/kafka-tools ${KAFKA_JAVA_VERSION} (JVM ${jvm})`
  }

  private javaArgs(mainClass: string, args: string[]): string[] {
    return ['-Xmx256M', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      '-cp', this.classpath, mainClass, ...args]
  }

  private tool(mainClass: string, args: string[], input?: string, timeoutMs = 90_000) {
    return runOk('java', this.javaArgs(mainClass, args), {input, timeoutMs})
  }

  async listTopics(): Promise<string[]> {
    const {stdout} = await this.tool(TOOLS.topics, ['--bootstrap-server', this.bootstrap, '--list'])
    return stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0)
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void> {
    await this.tool(TOOLS.topics, ['--bootstrap-server', this.bootstrap, '--create', '--topic', name, '--partitions', String(partitions),
      '--replication-factor', '1', ...Object.entries(configs).flatMap(([k, v]) => ['--config', `${k}=${v}`])])
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    const {stdout} = await this.tool(TOOLS.topics, ['--bootstrap-server', this.bootstrap, '--describe', '--topic', name])
    return parseTopicSummary(stdout)
  }

  async deleteTopic(name: string): Promise<void> {
    await this.tool(TOOLS.topics, ['--bootstrap-server', this.bootstrap, '--delete', '--topic', name])
  }

  /** kafka-topics --alter --partitions. */
  async createPartitions(topic: string, total: number): Promise<void> {
    await this.tool(TOOLS.topics, ['--bootstrap-server', this.bootstrap, '--alter', '--topic', topic, '--partitions', String(total)])
  }

  /** kafka-configs --alter --add-config: IncrementalAlterConfigs, the topic's other overrides kept. */
  async alterTopicConfig(topic: string, name: string, value: string): Promise<void> {
    await this.tool(TOOLS.configs, ['--bootstrap-server', this.bootstrap, '--entity-type', 'topics', '--entity-name', topic,
      '--alter', '--add-config', `${name}=${value}`])
  }

  /** kafka-delete-records with its --offset-json-file. */
  async deleteRecordsBefore(topic: string, offset: number): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'kbus-interop-'))
    const file = join(dir, 'offsets.json')
    writeFileSync(file, JSON.stringify({version: 1, partitions: [{topic, partition: 0, offset}]}))
    try {
      await this.tool(TOOLS.deleteRecords, ['--bootstrap-server', this.bootstrap, '--offset-json-file', file])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }

  /** kafka-consumer-groups --list. */
  async listGroups(): Promise<string[]> {
    const {stdout} = await this.tool(TOOLS.consumerGroups, ['--bootstrap-server', this.bootstrap, '--list'])
    return stdout.split('\n').map((line) => line.trim()).filter((line) => line.length > 0)
  }

  /** kafka-consumer-groups --describe: the CURRENT-OFFSET column of its table. */
  async committedOffsets(group: string, topic: string): Promise<Record<number, number>> {
    const {stdout} = await this.tool(TOOLS.consumerGroups, ['--bootstrap-server', this.bootstrap, '--describe', '--group', group])
    return parseCommittedOffsets(stdout, topic)
  }

  /** kafka-console-producer; the Java producer is idempotent by default, as users get it. */
  async produce(topic: string, records: readonly OutRecord[], opts: ProduceOptions = {}): Promise<{timestampsWritten: boolean}> {
    const acks = opts.acks ?? -1
    const args = ['--bootstrap-server', opts.bootstrap ?? this.bootstrap, '--topic', topic, '--request-required-acks', String(acks),
      ...LINE_READER_PROPERTIES.flatMap((p) => ['--property', p]), '--producer-property', 'linger.ms=5']
    if (opts.compression && opts.compression !== 'none') args.push('--compression-codec', opts.compression)
    if (opts.idempotent) args.push('--producer-property', 'enable.idempotence=true')
    else if (acks !== -1) args.push('--producer-property', 'enable.idempotence=false')
    const result = await this.tool(TOOLS.consoleProducer, args, producerLines(records))
    // The console producer logs a failed send and goes on; its exit code stays 0. A retry is only a WARN.
    const errors = result.stderr.split('\n').filter((line) => /ERROR|Exception/.test(line) && !/\sWARN\s/.test(line))
    if (errors.length > 0) throw new Error(`kafka-console-producer: ${errors.slice(0, 3).join(' | ')}`)
    return {timestampsWritten: false}
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const partition = opts.partition ?? 0
    const offset = await this.startOffset(topic, partition, opts.from)
    const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS
    const args = ['--bootstrap-server', this.bootstrap, '--topic', topic, '--partition', String(partition), '--offset', offset,
      '--max-messages', String(opts.count), '--timeout-ms', String(timeoutMs), ...FORMATTER_PROPERTIES.flatMap((p) => ['--property', p]),
      ...(opts.readCommitted ? ['--isolation-level', 'read_committed'] : [])]
    const result = await run('java', this.javaArgs(TOOLS.consoleConsumer, args), {timeoutMs: timeoutMs + 30_000})
    const records = parseConsoleConsumer(result.stdout)
    // A --timeout-ms expiry ends the tool with exit 1 and a TimeoutException: that is a short read, not an error.
    if (result.exitCode !== 0 && !/TimeoutException/.test(result.stderr))
      throw new Error(`kafka-console-consumer exited ${result.exitCode}: ${result.stderr.trim().split('\n').slice(0, 3).join(' | ')}`)
    return records
  }

  /** kafka-console-consumer has no timestamp start: kafka-get-offsets --time finds the offset first. */
  private async startOffset(topic: string, partition: number, from: StartAt): Promise<string> {
    if (from === 'earliest' || from === 'latest') return from
    if ('offset' in from) return String(from.offset)
    const {stdout} = await this.tool(TOOLS.getOffsets, ['--bootstrap-server', this.bootstrap, '--topic', topic,
      '--partitions', String(partition), '--time', String(from.timestamp)])
    const offset = /:(\d+):(-?\d+)\s*$/m.exec(stdout)?.[2]
    if (offset === undefined) throw new Error(`kafka-get-offsets printed no offset: ${stdout.trim()}`)
    return offset
  }

  /** kafka-producer-perf-test, then kafka-consumer-perf-test (a group member of its own group) reading it all back. */
  async perfTools(topic: string, count: number, recordSize: number): Promise<PerfToolsRun> {
    const produced = producerPerfSummary((await this.tool(TOOLS.producerPerf, ['--bootstrap-server', this.bootstrap, '--topic', topic,
      '--num-records', String(count), '--record-size', String(recordSize), '--throughput', '-1'])).stdout)
    // --timeout bounds the wait between records; on expiry it prints a short count and still exits 0.
    const consumed = consumerPerfSummary((await this.tool(TOOLS.consumerPerf, ['--bootstrap-server', this.bootstrap, '--topic', topic,
      '--num-records', String(count), '--timeout', '20000'])).stdout)
    return {producerSummary: produced.line, produced: produced.sent, consumerSummary: consumed.lines, consumed: consumed.consumed}
  }

  /** Kafka's Java transactional producer, through a small source-file program of the suite's (TransactionsPeer.java). */
  async produceTransactions(topic: string, transactionalId: string, transactions: readonly TransactionPlan[]): Promise<void> {
    const plans = transactions.map((plan) => `${plan.commit ? 'commit' : 'abort'}:${plan.values.join(',')}`)
    const args = ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', this.classpath, TRANSACTIONS_PEER, this.bootstrap, topic, transactionalId, ...plans]
    const result = await run('java', args, {timeoutMs: 90_000})
    if (result.exitCode !== 0) throw new Error(`TransactionsPeer exited ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`)
  }

  /** WordCountDemo with its properties file: the broker, and a state directory of its own. */
  startWordCount({exactlyOnce}: {exactlyOnce: boolean}): RunningApp {
    const dir = mkdtempSync(join(tmpdir(), 'kbus-streams-'))
    const properties = join(dir, 'app.properties')
    const settings = [`bootstrap.servers=${this.bootstrap}`, `state.dir=${join(dir, 'state')}`]
    if (exactlyOnce) settings.push('application.id=streams-wordcount-eos', 'processing.guarantee=exactly_once_v2')
    writeFileSync(properties, `${settings.join('\n')}\n`)
    const app = new LongRunning('java', this.javaArgs(TOOLS.wordCount, [properties]))
    return {
      stop: async () => {
        await app.stop()
        rmSync(dir, {recursive: true, force: true})
      },
      diagnostics: () => app.stderr,
    }
  }

  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const args = ['--bootstrap-server', this.bootstrap, '--topic', topic, '--group', group, '--from-beginning',
      '--consumer-property', 'heartbeat.interval.ms=500', ...FORMATTER_PROPERTIES.flatMap((p) => ['--property', p])]
    const member = new LongRunning('java', this.javaArgs(TOOLS.consoleConsumer, args))
    return {
      get received() {
        return parseConsoleConsumer(member.lines.join('\n'))
      },
      stop: () => member.stop(),
      diagnostics: () => member.stderr,
    }
  }
}

/** `CreateTime:<ts> Partition:<p> Offset:<o> <headers|NO_HEADERS> <key> <value>`, one record a line. */
function parseConsoleConsumer(out: string): ReadRecord[] {
  return out
    .split('\n')
    .filter((line) => line.startsWith('CreateTime:') || line.startsWith('LogAppendTime:'))
    .map((line) => {
      const [time, partition, offset, headers, key, ...value] = line.split(FIELD_SEPARATOR)
      return {
        timestamp: Number(time!.slice(time!.indexOf(':') + 1)),
        partition: Number(partition!.slice('Partition:'.length)),
        offset: Number(offset!.slice('Offset:'.length)),
        headers: headers === 'NO_HEADERS' ? [] : headers!.split(',').map((pair): [string, string] => {
          const at = pair.indexOf(':')
          return [pair.slice(0, at), pair.slice(at + 1)]
        }),
        key: key === NULL_MARKER ? null : key!,
        value: value.join(FIELD_SEPARATOR) === NULL_MARKER ? null : value.join(FIELD_SEPARATOR),
      }
    })
}
