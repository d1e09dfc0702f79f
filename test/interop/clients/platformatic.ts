/** @platformatic/kafka (pure JavaScript, Node >= 22), driven through platformatic_peer.mjs under Node 22. */
import {fileURLToPath} from 'node:url'
import type {GroupMember, InteropClient, ProduceOptions, ReadOptions, TopicDescription, TransactionPlan} from '../harness/client.js'
import {READ_TIMEOUT_MS} from '../harness/client.js'
import {ensurePlatformatic} from '../harness/peers.js'
import {LongRunning, lastLines, run, runOk} from '../harness/process.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'

const SCRIPT = fileURLToPath(new URL('platformatic_peer.mjs', import.meta.url))

export class PlatformaticClient implements InteropClient {
  readonly name = '@platformatic/kafka'
  private node = ''
  private env: Record<string, string> = {}

  constructor(private readonly bootstrap: string) {}

  async prepare(): Promise<string> {
    const peer = await ensurePlatformatic()
    this.node = peer.node
    this.env = {...(process.env as Record<string, string>), PLATFORMATIC_KAFKA_MODULE: peer.module}
    const version = JSON.parse(await this.call('version', {})) as {client: string; node: string}
    return `${version.client} (Node ${version.node})`
  }

  private async call(command: string, args: Record<string, unknown>, timeoutMs = 60_000): Promise<string> {
    const result = await runOk(this.node, [SCRIPT, command, JSON.stringify({bootstrap: this.bootstrap, ...args})], {env: this.env, timeoutMs})
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

  async produceTransactions(topic: string, transactionalId: string, transactions: readonly TransactionPlan[]): Promise<void> {
    await this.call('produce_transactions', {topic, transactionalId, transactions, bootstrap: this.bootstrap})
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const timeoutMs = opts.timeoutMs ?? READ_TIMEOUT_MS
    const args = {bootstrap: this.bootstrap, topic, partition: opts.partition ?? 0, from: opts.from, count: opts.count, timeoutMs}
    // The script stops itself at its deadline; the process limit is only a backstop.
    const result = await run(this.node, [SCRIPT, 'read', JSON.stringify(args)], {env: this.env, timeoutMs: timeoutMs + 15_000})
    if (result.exitCode !== 0) throw new Error(`@platformatic/kafka read exited ${result.exitCode}: ${lastLines(result.stderr)}`)
    return parseJsonLines(result.stdout)
  }

  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const member = new LongRunning(this.node, [SCRIPT, 'member', JSON.stringify({bootstrap: this.bootstrap, topic, group})], {env: this.env})
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
