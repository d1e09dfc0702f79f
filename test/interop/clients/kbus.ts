/** kbus's own CLI, reading and writing alongside the other clients (over its Unix socket). */
import type {GroupMember, InteropClient, ProduceOptions, ReadOptions, TopicDescription} from '../harness/client.js'
import {READ_TIMEOUT_MS, Unsupported} from '../harness/client.js'
import {type KbusReference, LINE_READER_PROPERTIES, parseKbusJsonLines, producerLines} from '../harness/kbus-reference.js'
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
    if (opts.compression && opts.compression !== 'none') args.push('--compression-codec', opts.compression)
    if (opts.idempotent) args.push('--producer-property', 'enable.idempotence=true')
    await this.kbus.cli(args, producerLines(records))
    return {timestampsWritten: false}
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    if (typeof opts.from === 'object' && 'timestamp' in opts.from)
      throw new Unsupported('kbus console-consumer has no start-at-timestamp option (nor has kafka-console-consumer)')
    const offset = typeof opts.from === 'object' ? String(opts.from.offset) : opts.from
    const out = await this.kbus.cli(['console-consumer', '--topic', topic, '--partition', String(opts.partition ?? 0), '--offset', offset,
      '--max-messages', String(opts.count), '--timeout-ms', String(opts.timeoutMs ?? READ_TIMEOUT_MS), '--json'])
    return parseKbusJsonLines(out)
  }

  async joinGroup(): Promise<GroupMember> {
    throw new Unsupported('kbus console-consumer has no --group option yet')
  }

  async createPartitions(): Promise<void> {
    throw new Unsupported('kbus topics has no alter command yet')
  }

  async alterTopicConfig(): Promise<void> {
    throw new Unsupported('kbus has no configs command yet')
  }

  async deleteRecordsBefore(): Promise<void> {
    throw new Unsupported('kbus has no delete-records command yet')
  }

  async listGroups(): Promise<string[]> {
    throw new Unsupported('kbus has no consumer-groups command yet')
  }

  async committedOffsets(): Promise<Record<number, number>> {
    throw new Unsupported('kbus has no consumer-groups command yet')
  }
}
