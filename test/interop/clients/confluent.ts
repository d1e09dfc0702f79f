/** confluent-kafka for Python (its wheel bundles librdkafka), driven through confluent_peer.py. */
import {fileURLToPath} from 'node:url'
import type {GroupMember, InteropClient, ProduceOptions, ReadOptions, TopicDescription, TransactionPlan} from '../harness/client.js'
import {READ_TIMEOUT_MS} from '../harness/client.js'
import {ensureConfluentKafka} from '../harness/peers.js'
import {LongRunning, run, runOk} from '../harness/process.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'

const SCRIPT = fileURLToPath(new URL('confluent_peer.py', import.meta.url))

export class ConfluentClient implements InteropClient {
  readonly name = 'confluent-kafka'
  private env: Record<string, string> = {}

  constructor(private readonly bootstrap: string) {}

  async prepare(): Promise<string> {
    const sitePackages = await ensureConfluentKafka()
    this.env = {...(process.env as Record<string, string>), PYTHONPATH: sitePackages, PYTHONUNBUFFERED: '1'}
    const version = JSON.parse(await this.call('version', {})) as {client: string; librdkafka: string}
    return `${version.client} (librdkafka ${version.librdkafka})`
  }

  private async call(command: string, args: Record<string, unknown>, timeoutMs = 60_000): Promise<string> {
    const result = await runOk('python3', [SCRIPT, command, JSON.stringify({bootstrap: this.bootstrap, ...args})], {env: this.env, timeoutMs})
    return result.stdout
  }

  async listTopics(): Promise<string[]> {
    return (JSON.parse(await this.call('list_topics', {})) as {topics: string[]}).topics
  }

  async createTopic(topic: string, partitions: number, configs: Record<string, string>): Promise<void> {
    await this.call('create_topic', {topic, partitions, configs})
  }

  async describeTopic(topic: string): Promise<TopicDescription> {
    return JSON.parse(await this.call('describe_topic', {topic})) as TopicDescription
  }

  async deleteTopic(topic: string): Promise<void> {
    await this.call('delete_topic', {topic})
  }

  async createPartitions(topic: string, total: number): Promise<void> {
    await this.call('create_partitions', {topic, total})
  }

  async alterTopicConfig(topic: string, name: string, value: string): Promise<void> {
    await this.call('alter_topic_config', {topic, name, value})
  }

  async deleteRecordsBefore(topic: string, offset: number): Promise<void> {
    await this.call('delete_records', {topic, offset})
  }

  async listGroups(): Promise<string[]> {
    return (JSON.parse(await this.call('list_groups', {})) as {groups: string[]}).groups
  }

  async committedOffsets(group: string, topic: string): Promise<Record<number, number>> {
    return (JSON.parse(await this.call('committed_offsets', {group, topic})) as {offsets: Record<number, number>}).offsets
  }

  async produce(topic: string, records: readonly OutRecord[], opts: ProduceOptions = {}): Promise<{timestampsWritten: boolean}> {
    await this.call('produce', {topic, records, acks: opts.acks ?? -1, compression: opts.compression ?? 'none', idempotent: opts.idempotent === true,
      bootstrap: opts.bootstrap ?? this.bootstrap})
    return {timestampsWritten: true}
  }

  /** librdkafka's transactional producer; an aborted transaction is flushed first, so its records are on the broker. */
  async produceTransactions(topic: string, transactionalId: string, transactions: readonly TransactionPlan[]): Promise<void> {
    await this.call('produce_transactions', {topic, transactionalId, transactions, bootstrap: this.bootstrap})
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS
    const args = {bootstrap: this.bootstrap, topic, partition: opts.partition ?? 0, from: opts.from, count: opts.count, timeoutMs}
    // The script stops itself at its deadline; the process limit is only a backstop.
    const result = await run('python3', [SCRIPT, 'read', JSON.stringify(args)], {env: this.env, timeoutMs: timeoutMs + 15_000})
    if (result.exitCode !== 0) throw new Error(`confluent-kafka read: ${result.stderr.trim()}`)
    return parseJsonLines(result.stdout)
  }

  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const member = new LongRunning('python3', [SCRIPT, 'member', JSON.stringify({bootstrap: this.bootstrap, topic, group})], {env: this.env})
    return {
      get received() {
        return parseJsonLines(member.lines.join('\n'))
      },
      stop: () => member.stop(),
      diagnostics: () => member.stderr,
    }
  }
}

function parseJsonLines(out: string): ReadRecord[] {
  return out.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as ReadRecord)
}
