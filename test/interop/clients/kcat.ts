/** librdkafka through kcat (Debian's package): kcat -L, -P, -C and -G, as a user would run them. */
import type {GroupMember, InteropClient, ProduceOptions, ReadOptions, StartAt, TopicDescription} from '../harness/client.js'
import {READ_TIMEOUT_MS, Unsupported} from '../harness/client.js'
import {ensureKcat} from '../harness/peers.js'
import {LongRunning, run, runOk} from '../harness/process.js'
import type {OutRecord, ReadRecord} from '../harness/records.js'

const NO_ADMIN = 'kcat has no admin commands (topics, configs, records, groups)'
/** kcat's error callback makes ALL_BROKERS_DOWN fatal, and with one broker a dropped connection is that. */
const KCAT_EXITS_ON_DISCONNECT = 'kcat -P exits when its only broker connection drops ("All broker connections are down: terminating") instead of letting librdkafka retry; confluent-kafka covers librdkafka\'s retry'

export class KcatClient implements InteropClient {
  readonly name = 'kcat'
  private kcat = 'kcat'

  constructor(private readonly bootstrap: string) {}

  async prepare(): Promise<string> {
    this.kcat = await ensureKcat()
    const {stdout} = await runOk(this.kcat, ['-V'])
    return /Version ([^\s]+).*?(librdkafka [^\s]+)/s.exec(stdout)?.slice(1, 3).join(', ') ?? stdout.trim().split('\n')[0]!
  }

  async listTopics(): Promise<string[]> {
    const {stdout} = await runOk(this.kcat, ['-b', this.bootstrap, '-L', '-J', '-m', '10'], {timeoutMs: 30_000})
    const metadata = JSON.parse(stdout) as {topics: Array<{topic: string}>}
    return metadata.topics.map((t) => t.topic)
  }

  async createTopic(): Promise<void> {
    throw new Unsupported(NO_ADMIN)
  }

  async describeTopic(): Promise<TopicDescription> {
    throw new Unsupported(NO_ADMIN)
  }

  async deleteTopic(): Promise<void> {
    throw new Unsupported(NO_ADMIN)
  }

  async createPartitions(): Promise<void> {
    throw new Unsupported(NO_ADMIN)
  }

  async alterTopicConfig(): Promise<void> {
    throw new Unsupported(NO_ADMIN)
  }

  async deleteRecordsBefore(): Promise<void> {
    throw new Unsupported(NO_ADMIN)
  }

  async listGroups(): Promise<string[]> {
    throw new Unsupported(NO_ADMIN)
  }

  async committedOffsets(): Promise<Record<number, number>> {
    throw new Unsupported(NO_ADMIN)
  }

  /**
   * kcat applies -H headers and -Z (empty value = null) to a whole run, so records are written in
   * runs of equal headers; keys are split off at a tab (-K), a line without one has no key.
   */
  async produce(topic: string, records: readonly OutRecord[], opts: ProduceOptions = {}): Promise<{timestampsWritten: boolean}> {
    if (opts.connectionDrops) throw new Unsupported(KCAT_EXITS_ON_DISCONNECT)
    for (const run of headerRuns(records)) {
      const args = ['-P', '-b', opts.bootstrap ?? this.bootstrap, '-t', topic, '-p', '0', '-K', '\t', '-Z',
        '-X', `acks=${opts.acks ?? -1}`, '-X', `enable.idempotence=${opts.idempotent === true}`, '-X', 'linger.ms=5']
      if (opts.compression && opts.compression !== 'none') args.push('-z', opts.compression)
      for (const [key, value] of run[0]!.headers) args.push('-H', `${key}=${value}`)
      const input = run.map((r) => (r.key === null ? `${r.value ?? ''}\n` : `${r.key}\t${r.value ?? ''}\n`)).join('')
      if (run.some((r) => r.key === null && r.value === null)) throw new Unsupported('kcat -Z cannot write a record with neither key nor value')
      const result = await runOk(this.kcat, args, {input, timeoutMs: 60_000})
      // kcat reports delivery failures on stderr and still exits 0 for some of them.
      if (/Delivery failed|%\s*ERROR/.test(result.stderr)) throw new Error(`kcat -P: ${result.stderr.trim()}`)
    }
    return {timestampsWritten: false}
  }

  async read(topic: string, opts: ReadOptions): Promise<ReadRecord[]> {
    const args = ['-C', '-b', this.bootstrap, '-t', topic, '-p', String(opts.partition ?? 0), '-o', kcatOffset(opts.from),
      '-c', String(opts.count), '-J', '-u', '-q']
    const result = await run(this.kcat, args, {timeoutMs: opts.timeoutMs ?? READ_TIMEOUT_MS})
    const records = parseKcatJson(result.stdout)
    if (result.exitCode !== 0 && result.exitCode !== 124) throw new Error(`kcat -C exited ${result.exitCode}: ${result.stderr.trim()}`)
    return records
  }

  async joinGroup(topic: string, group: string): Promise<GroupMember> {
    const member = new LongRunning(this.kcat, ['-b', this.bootstrap, '-G', group, topic, '-J', '-u',
      '-X', 'auto.offset.reset=earliest', '-X', 'topic.auto.offset.reset=earliest'])
    return {
      get received() {
        return member.lines.filter((line) => line.startsWith('{')).map(parseKcatLine)
      },
      stop: () => member.stop(),
      diagnostics: () => member.stderr,
    }
  }
}

function headerRuns(records: readonly OutRecord[]): OutRecord[][] {
  const runs: OutRecord[][] = []
  for (const record of records) {
    const last = runs.at(-1)
    if (last && JSON.stringify(last[0]!.headers) === JSON.stringify(record.headers)) last.push(record)
    else runs.push([record])
  }
  return runs
}

function kcatOffset(from: StartAt): string {
  if (from === 'earliest') return 'beginning'
  if (from === 'latest') return 'end'
  if ('offset' in from) return String(from.offset)
  return `s@${from.timestamp}`
}

interface KcatJson {
  partition: number
  offset: number
  ts: number
  key: string | null
  payload: string | null
  headers?: string[]
}

function parseKcatJson(out: string): ReadRecord[] {
  return out.split('\n').filter((line) => line.startsWith('{')).map(parseKcatLine)
}

function parseKcatLine(line: string): ReadRecord {
  const json = JSON.parse(line) as KcatJson
  const flat = json.headers ?? []
  const headers: Array<[string, string]> = []
  for (let i = 0; i + 1 < flat.length; i += 2) headers.push([flat[i]!, flat[i + 1]!])
  return {partition: json.partition, offset: json.offset, timestamp: json.ts, key: json.key, value: json.payload, headers}
}
