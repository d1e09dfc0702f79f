/** kbus's own CLI, reading and writing alongside the other clients (over its Unix socket). */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import type {GroupMember, InteropClient, PerfToolsRun, ProduceOptions, ReadOptions, StartAt, TopicDescription} from '../harness/client.js'
import {READ_TIMEOUT_MS} from '../harness/client.js'
import {parseCommittedOffsets} from '../harness/group-table.js'
import {type KbusReference, LINE_READER_PROPERTIES, parseKbusJsonLines, producerLines} from '../harness/kbus-reference.js'
import {consumerPerfSummary, producerPerfSummary} from '../harness/perf-output.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'
import {parseTopicSummary} from '../harness/topic-summary.js'

export class KbusCliClient implements InteropClient {
  readonly name = 'kbus CLI'

  constructor(private readonly kbus: KbusReference) {}

  async prepare(): Promise<string> {
    return (await this.kbus.cli(['--version'])).trim().split(' ')[0] ?? 'kbus'
  }

  async listTopics(): Promise<string[]> {
    return (await this.kbus.cli(['topics', 'list'])).split('\n').filter((line) => line.length > 0)
  }

  async createTopic(name: string, partitions: number, configs: Record<string, string>): Promise<void> {
    await this.kbus.cli(['topics', 'create', '--topic', name, '--partitions', String(partitions),
      ...Object.entries(configs).flatMap(([k, v]) => ['--config', `${k}=${v}`])])
  }

  async describeTopic(name: string): Promise<TopicDescription> {
    return parseTopicSummary(await this.kbus.cli(['topics', 'describe', '--topic', name]))
  }

  async deleteTopic(name: string): Promise<void> {
    await this.kbus.cli(['topics', 'delete', '--topic', name])
  }

  async produce(topic: string, records: readonly OutRecord[], opts: ProduceOptions = {}): Promise<{timestampsWritten: boolean}> {
    const args = ['console-producer', '--topic', topic, '--request-required-acks', String(opts.acks ?? -1),
      ...LINE_READER_PROPERTIES.flatMap((p) => ['--property', p])]
    // Without a bootstrap server the CLI reaches the daemon over its Unix socket.
    if (opts.bootstrap) args.push('--bootstrap-server', opts.bootstrap)
    if (opts.compression && opts.compression !== 'none') args.push('--compression-codec', opts.compression)
    if (opts.idempotent) args.push('--producer-property', 'enable.idempotence=true')
    await this.kbus.cli(args, producerLines(records))
    return {timestampsWritten: false}
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const partition = opts.partition ?? 0
    const out = await this.kbus.cli(['console-consumer', '--topic', topic, '--partition', String(partition), '--offset', await this.startOffset(topic, partition, opts.from),
      '--max-messages', String(opts.count), '--timeout-ms', String(opts.timeoutMs ?? READ_TIMEOUT_MS), '--json'])
    return parseKbusJsonLines(out)
  }

  /** console-consumer has no timestamp start (nor has Kafka's): get-offsets --time finds the offset first, as with Kafka's tools. */
  private async startOffset(topic: string, partition: number, from: StartAt): Promise<string> {
    if (from === 'earliest' || from === 'latest') return from
    if ('offset' in from) return String(from.offset)
    const out = await this.kbus.cli(['get-offsets', '--topic', topic, '--partitions', String(partition), '--time', String(from.timestamp)])
    const offset = /:(\d+):(-?\d+)\s*$/m.exec(out)?.[2]
    if (offset === undefined) throw new Error(`kbus get-offsets printed no offset: ${out.trim()}`)
    return offset
  }

  /** console-consumer --group: it commits as it goes and on exit (SIGTERM), and leaves the group. */
  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const member = this.kbus.spawn(['console-consumer', '--topic', topic, '--group', group, '--from-beginning', '--json',
      '--consumer-property', 'heartbeat.interval.ms=500'])
    return {
      get received() {
        return parseKbusJsonLines(member.lines.join('\n'))
      },
      stop: () => member.stop(),
      diagnostics: () => member.stderr,
    }
  }

  async createPartitions(topic: string, total: number): Promise<void> {
    await this.kbus.cli(['topics', 'alter', '--topic', topic, '--partitions', String(total)])
  }

  async alterTopicConfig(topic: string, name: string, value: string): Promise<void> {
    await this.kbus.cli(['configs', '--alter', '--topic', topic, '--add-config', `${name}=${value}`])
  }

  /** delete-records with Kafka's --offset-json-file, as scripts written for kafka-delete-records call it. */
  async deleteRecordsBefore(topic: string, offset: number): Promise<void> {
    const dir = mkdtempSync(join(tmpdir(), 'kbus-interop-'))
    const file = join(dir, 'offsets.json')
    writeFileSync(file, JSON.stringify({version: 1, partitions: [{topic, partition: 0, offset}]}))
    try {
      await this.kbus.cli(['delete-records', '--offset-json-file', file])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  }

  /** producer-perf-test, then consumer-perf-test, with Kafka's flags and Kafka's summary lines. */
  async perfTools(topic: string, count: number, recordSize: number): Promise<PerfToolsRun> {
    const produced = producerPerfSummary(await this.kbus.cli(['producer-perf-test', '--topic', topic, '--num-records', String(count),
      '--record-size', String(recordSize), '--throughput', '-1']))
    const consumed = consumerPerfSummary(await this.kbus.cli(['consumer-perf-test', '--topic', topic, '--num-records', String(count), '--timeout', '20000']))
    return {producerSummary: produced.line, produced: produced.sent, consumerSummary: consumed.lines, consumed: consumed.consumed}
  }

  async listGroups(): Promise<string[]> {
    return (await this.kbus.cli(['consumer-groups', '--list'])).split('\n').map((line) => line.trim()).filter((line) => line.length > 0)
  }

  async committedOffsets(group: string, topic: string): Promise<Record<number, number>> {
    return parseCommittedOffsets(await this.kbus.cli(['consumer-groups', '--describe', '--group', group]), topic)
  }
}
