/**
 * The scenarios, each run for every client family. A scenario uses only the InteropClient
 * operations, kbus's CLI as fixture and reference reader, and the segment files kbus wrote.
 */
import type {Daemon} from '../e2e/helpers/index.js'
import {waitFor} from '../e2e/helpers/index.js'
import {type Acks, type Codec, type GroupMember, type InteropClient, Unsupported} from './harness/client.js'
import type {FaultProxy} from './harness/fault-proxy.js'
import type {FaultyBroker} from './harness/faulty-broker.js'
import type {KbusReference} from './harness/kbus-reference.js'
import {type OutRecord, type ReadRecord, assertSameRecords, crossClientDataset, numbered, values} from './harness/records.js'
import {CODEC_IDS, storedBatches} from './harness/stored-batches.js'

export interface SuiteContext {
  daemon: Daemon
  kbus: KbusReference
  /** Every client family, in matrix order (the cross-client rows need the writers). */
  clients: readonly InteropClient[]
  /** What each writer put in its cross-client topic, filled by the `records` scenario. */
  crossWrites: Map<string, CrossWrite>
  /** A daemon behind the fault-injecting proxy, for the forced Produce retry. */
  faulty: FaultyBroker
}

interface CrossWrite {
  topic: string
  expected: OutRecord[]
  /** The timestamps kbus read back, for writers that cannot set their own. */
  timestamps?: number[]
}

export interface Scenario {
  id: string
  title: string
  run(client: InteropClient, ctx: SuiteContext): Promise<void>
}

let topicCounter = 0
/** Topic names unique per run, readable in a failure message. */
function topicFor(scenario: string, client: InteropClient): string {
  return `${scenario}.${client.name.replace(/[^a-zA-Z0-9]+/g, '-')}.${++topicCounter}`
}

function expectValues(got: readonly ReadRecord[], want: readonly (string | null)[], what: string): void {
  const seen = JSON.stringify(values(got))
  if (seen !== JSON.stringify(want)) throw new Error(`${what}: expected values ${JSON.stringify(want)}, got ${seen}`)
}

const metadata: Scenario = {
  id: 'metadata',
  title: 'metadata: lists a topic kbus created',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('metadata', client), 2)
    const topics = await client.listTopics()
    if (!topics.includes(topic)) throw new Error(`'${topic}' missing from the listed topics: ${topics.slice(0, 10).join(', ')}`)
  },
}

const topicAdmin: Scenario = {
  id: 'topic-admin',
  title: 'topic admin: create with partitions and configs, describe, delete',
  async run(client, ctx) {
    const topic = topicFor('admin', client)
    await client.createTopic(topic, 3, {'retention.ms': '123456', 'cleanup.policy': 'compact'})
    const described = await client.describeTopic(topic)
    if (described.partitions !== 3) throw new Error(`described ${described.partitions} partitions, created 3`)
    for (const [name, value] of [['retention.ms', '123456'], ['cleanup.policy', 'compact']])
      if (described.configs[name] !== value) throw new Error(`described ${name}=${described.configs[name]}, created with ${value}`)
    const byKbus = await ctx.kbus.cli(['topics', 'describe', '--topic', topic])
    if (!/PartitionCount:\s*3\b/.test(byKbus)) throw new Error(`kbus describes it differently: ${byKbus.trim()}`)
    await client.deleteTopic(topic)
    await waitFor(async () => !(await ctx.kbus.cli(['topics', 'list'])).split('\n').includes(topic), {timeout: 15_000, what: `${topic} to be deleted`})
  },
}

function acksScenario(acks: Acks, label: string): Scenario {
  return {
    id: `acks-${label}`,
    title: `produce with acks=${label}, keyed records, read back by kbus`,
    async run(client, ctx) {
      const topic = await ctx.kbus.createTopic(topicFor(`acks-${label}`, client))
      const records = numbered(`acks-${label}`, 20)
      await client.produce(topic, records, {acks})
      assertSameRecords(await ctx.kbus.readAll(topic, records.length), records)
    },
  }
}

const crossRecords: Scenario = {
  id: 'records',
  title: 'keys, null keys and values, headers, timestamps: written, read back by kbus',
  async run(client, ctx) {
    // The dataset's CreateTimes are years old: time retention would delete them before every reader got its turn.
    const topic = await ctx.kbus.createTopic(topicFor('records', client), 1, {'retention.ms': '-1'})
    const dataset = crossClientDataset(client.name)
    const {timestampsWritten} = await client.produce(topic, dataset)
    const expected = timestampsWritten ? dataset : dataset.map(({timestamp: _, ...rest}) => rest)
    const write: CrossWrite = {topic, expected}
    ctx.crossWrites.set(client.name, write)
    const byKbus = await ctx.kbus.readAll(topic, dataset.length)
    if (byKbus.length === dataset.length && !timestampsWritten) write.timestamps = byKbus.map((r) => r.timestamp)
    assertSameRecords(byKbus, expected)
  },
}

function crossRead(writer: string): Scenario {
  return {
    id: `read-${writer.replace(/[^a-zA-Z0-9]+/g, '-')}`,
    title: `reads what ${writer} wrote, byte for byte`,
    async run(client, ctx) {
      const write = ctx.crossWrites.get(writer)
      if (!write) throw new Unsupported(`${writer} wrote nothing to read (its records scenario did not run or failed)`)
      const got = await client.read(write.topic, {from: 'earliest', count: write.expected.length})
      assertSameRecords(got, write.expected, write.timestamps)
    },
  }
}

function codecScenario(codec: Exclude<Codec, 'none'>): Scenario {
  return {
    id: `compression-${codec}`,
    title: `${codec}: written compressed, stored as sent, read back by the client and by kbus`,
    async run(client, ctx) {
      const topic = await ctx.kbus.createTopic(topicFor(codec, client))
      const records: OutRecord[] = numbered(codec, 50).map((r) => ({...r, value: `${r.value} ${'compressible '.repeat(20)}`}))
      await client.produce(topic, records, {compression: codec})
      const codecs = new Set(storedBatches(ctx.daemon.home, topic).map((b) => b.codec))
      if (codecs.size !== 1 || !codecs.has(CODEC_IDS[codec]))
        throw new Error(`stored batches carry codec ids [${[...codecs].join(', ')}], ${codec} is ${CODEC_IDS[codec]}: the client did not compress`)
      assertSameRecords(await client.read(topic, {from: 'earliest', count: records.length}), records)
      try {
        assertSameRecords(await ctx.kbus.readAll(topic, records.length), records)
      } catch (error) {
        throw new Error(`the client reads it back, but kbus console-consumer: ${(error as Error).message}`)
      }
    },
  }
}

const consumeEarliest: Scenario = {
  id: 'consume-earliest',
  title: 'consume from the earliest offset',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('earliest', client))
    const records = numbered('early', 5)
    await ctx.kbus.seed(topic, records)
    expectValues(await client.read(topic, {from: 'earliest', count: 5}), records.map((r) => r.value), 'from earliest')
  },
}

const consumeOffset: Scenario = {
  id: 'consume-offset',
  title: 'consume from a given offset',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('offset', client))
    await ctx.kbus.seed(topic, numbered('at', 10))
    const got = await client.read(topic, {from: {offset: 6}, count: 4})
    expectValues(got, ['at-6', 'at-7', 'at-8', 'at-9'], 'from offset 6')
    if (got[0]?.offset !== 6) throw new Error(`first record has offset ${got[0]?.offset}, expected 6`)
  },
}

const consumeTimestamp: Scenario = {
  id: 'consume-timestamp',
  title: 'consume from a timestamp (offset lookup by time)',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('timestamp', client))
    await ctx.kbus.seed(topic, numbered('before', 5))
    const before = await ctx.kbus.readAll(topic, 5)
    const cut = Math.max(...before.map((r) => r.timestamp)) + 1
    // Later records must carry a later CreateTime than the cut.
    await waitFor(() => Date.now() > cut, {what: 'the clock to pass the cut'})
    await ctx.kbus.seed(topic, numbered('after', 5))
    expectValues(await client.read(topic, {from: {timestamp: cut}, count: 5}), ['after-0', 'after-1', 'after-2', 'after-3', 'after-4'], `from timestamp ${cut}`)
  },
}

const consumeLatest: Scenario = {
  id: 'consume-latest',
  title: 'consume from the latest offset (only records written after it starts)',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('latest', client))
    await ctx.kbus.seed(topic, numbered('old', 5))
    let settled = false
    const reading = client.read(topic, {from: 'latest', count: 1, timeoutMs: 40_000}).finally(() => (settled = true))
    // The reader's start position is fixed at some moment we cannot see: write until it reads one.
    let round = 0
    const deadline = Date.now() + 40_000
    while (!settled && Date.now() < deadline) await ctx.kbus.seed(topic, [{key: null, value: `new-${round++}`, headers: []}])
    const got = await reading
    if (got.length !== 1 || !got[0]!.value?.startsWith('new-')) throw new Error(`expected one new record, got ${JSON.stringify(values(got))}`)
  },
}

const idempotent: Scenario = {
  id: 'idempotent',
  title: 'idempotent producer: a producer id on every batch, each record exactly once',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('idempotent', client))
    const records = numbered('idem', 200)
    await client.produce(topic, records, {idempotent: true, acks: -1})
    const batches = storedBatches(ctx.daemon.home, topic)
    if (batches.length === 0 || batches.some((b) => b.producerId < 0n))
      throw new Error(`stored batches without a producer id (${batches.filter((b) => b.producerId < 0n).length} of ${batches.length}): the client did not produce idempotently`)
    const got = await ctx.kbus.readAll(topic, records.length + 1, 0, 3_000)
    assertSameRecords(got, records)
  },
}

/** Produce requests whose responses the proxy drops: the first send and its first retry. */
const FORCED_RETRIES = 2

/** Runs `produce` with the proxy armed, and checks it really took the forced retries. */
async function throughFaults(proxy: FaultProxy, what: string, produce: () => Promise<unknown>): Promise<void> {
  proxy.arm(FORCED_RETRIES)
  try {
    await produce()
  } finally {
    proxy.disarm()
  }
  if (proxy.dropped !== FORCED_RETRIES)
    throw new Error(`${what}: the proxy dropped ${proxy.dropped} of ${FORCED_RETRIES} Produce responses (${proxy.produces} Produce requests seen): no retry was forced`)
}

const idempotentRetry: Scenario = {
  id: 'idempotent-retry',
  title: `idempotent producer, a written batch's response lost with its connection ${FORCED_RETRIES} times: retried, each record exactly once, in order`,
  async run(client, ctx) {
    const {proxy, kbus, daemon} = ctx.faulty
    const records = numbered('retry', 30)
    // The control: without idempotence the same faults must write a batch twice, or the proxy forced nothing.
    const plain = await kbus.createTopic(topicFor('retry-plain', client))
    await throughFaults(proxy, 'acks=1 without idempotence', () => client.produce(plain, records, {acks: 1, idempotent: false, bootstrap: proxy.bootstrap, connectionDrops: true}))
    const plainRead = await kbus.readAll(plain, records.length * (FORCED_RETRIES + 2), 0, 3_000)
    if (plainRead.length <= records.length)
      throw new Error(`the control (acks=1, idempotence off) stored ${plainRead.length} records for ${records.length} sent: its retries wrote no duplicate, so nothing here proves a retry`)

    const topic = await kbus.createTopic(topicFor('retry', client))
    await throughFaults(proxy, 'the idempotent producer', () => client.produce(topic, records, {acks: -1, idempotent: true, bootstrap: proxy.bootstrap, connectionDrops: true}))
    const batches = storedBatches(daemon.home, topic)
    if (batches.some((b) => b.producerId < 0n)) throw new Error('stored batches without a producer id: the client did not produce idempotently')
    try {
      assertSameRecords(await kbus.readAll(topic, records.length * (FORCED_RETRIES + 2), 0, 3_000), records)
    } catch (error) {
      throw new Error(`after ${FORCED_RETRIES} forced retries (the control duplicated: ${plainRead.length} stored for ${records.length}): ${(error as Error).message}`)
    }
  },
}

const PERF_RECORDS = 20_000
const PERF_RECORD_SIZE = 100

const perfTools: Scenario = {
  id: 'perf-tools',
  title: `perf tools: producer-perf-test writes ${PERF_RECORDS} × ${PERF_RECORD_SIZE} B unthrottled, consumer-perf-test reads every one back`,
  async run(client, ctx) {
    if (!client.perfTools) throw new Unsupported(`${client.name} ships no producer and consumer perf tools`)
    const topic = await ctx.kbus.createTopic(topicFor('perf', client))
    const run = await client.perfTools(topic, PERF_RECORDS, PERF_RECORD_SIZE)
    if (run.produced !== PERF_RECORDS) throw new Error(`the producer tool reports ${run.produced} records sent, asked for ${PERF_RECORDS}: ${run.producerSummary}`)
    if (run.consumed !== run.produced) throw new Error(`the consumer tool consumed ${run.consumed} of ${run.produced} produced: ${run.consumerSummary}`)
    const end = /:0:(\d+)\s*$/m.exec(await ctx.kbus.cli(['get-offsets', '--topic', topic]))?.[1]
    if (Number(end) !== PERF_RECORDS) throw new Error(`kbus get-offsets puts the log end at ${end}, the producer tool sent ${PERF_RECORDS}`)
  },
}

/** Kafka Streams' quickstart lines; the exactly-once run adds one of its own. */
const WORD_COUNT_LINES = ['all streams lead to kafka', 'hello kafka streams', 'join kafka summit']
const WORD_COUNT_EOS_LINE = 'exactly once kafka streams'
const LONG_DESERIALIZER = 'org.apache.kafka.common.serialization.LongDeserializer'

/**
 * Kafka's WordCountDemo over kbus: its own group protocol, the repartition and compacted changelog
 * topics it creates, and with exactly_once_v2 transactions (transactional producers, offsets sent
 * to the transaction, read_committed consumers). Each run reads the whole input from the start
 * under its own application id, so the last count of every word is its count in the input.
 */
function streamsWordCount(exactlyOnce: boolean): Scenario {
  return {
    id: exactlyOnce ? 'streams-wordcount-eos' : 'streams-wordcount',
    title: exactlyOnce
      ? 'Kafka Streams exactly_once_v2: WordCountDemo counts words in transactions; kbus console-consumer reads the counts at read_committed'
      : "Kafka Streams: the quickstart's WordCountDemo counts words through its repartition and changelog topics; kbus console-consumer reads the counts with LongDeserializer",
    async run(client, ctx) {
      if (!client.startWordCount) throw new Unsupported(`${client.name} has no Kafka Streams`)
      // WordCountDemo's own topic names, as in Kafka's Streams quickstart.
      await ctx.kbus.cli(['topics', 'create', '--topic', 'streams-plaintext-input', '--if-not-exists'])
      await ctx.kbus.cli(['topics', 'create', '--topic', 'streams-wordcount-output', '--config', 'cleanup.policy=compact', '--if-not-exists'])
      await ctx.kbus.cli(['console-producer', '--topic', 'streams-plaintext-input'], `${(exactlyOnce ? [WORD_COUNT_EOS_LINE] : WORD_COUNT_LINES).join('\n')}\n`)
      const input = await ctx.kbus.cli(['console-consumer', '--topic', 'streams-plaintext-input', '--from-beginning', '--timeout-ms', '1500'])
      const expected: Record<string, number> = {}
      for (const word of input.split(/\s+/).filter(Boolean)) expected[word] = (expected[word] ?? 0) + 1
      const app = client.startWordCount({exactlyOnce})
      let counts: Record<string, number> = {}
      try {
        await waitFor(
          async () => {
            const printed = await ctx.kbus.cli(['console-consumer', '--topic', 'streams-wordcount-output', '--from-beginning', '--timeout-ms', '2000',
              '--isolation-level', 'read_committed', '--formatter-property', 'print.key=true', '--value-deserializer', LONG_DESERIALIZER])
            // A word's latest count wins, as a table read from the changelog.
            counts = Object.fromEntries(printed.split('\n').filter(Boolean).map((line) => line.split('\t')).map(([word, count]) => [word, Number(count)]))
            return JSON.stringify(Object.entries(counts).sort()) === JSON.stringify(Object.entries(expected).sort())
          },
          {timeout: 80_000, interval: 1_000, what: 'the word counts'},
        )
      } catch (error) {
        throw new Error(`${(error as Error).message}; last counts ${JSON.stringify(counts)}; the app said: ${app.diagnostics().trim().split('\n').slice(-4).join(' | ')}`)
      } finally {
        await app.stop()
      }
      const prefix = exactlyOnce ? 'streams-wordcount-eos-' : 'streams-wordcount-'
      const internal = (await ctx.kbus.cli(['topics', 'list'])).split('\n').filter((name) => name.startsWith(prefix))
      if (!internal.some((name) => name.endsWith('-repartition')) || !internal.some((name) => name.endsWith('-changelog')))
        throw new Error(`Kafka Streams' repartition and changelog topics are missing from kbus topics list: ${internal.join(', ')}`)
    },
  }
}

const transactions: Scenario = {
  id: 'transactions',
  title: "transactions: commit, abort, commit; read_committed readers (the client's own and kbus's) see only the committed records",
  async run(client, ctx) {
    if (!client.produceTransactions) throw new Unsupported(`${client.name} has no transactional producer`)
    const topic = await ctx.kbus.createTopic(topicFor('transactions', client))
    await client.produceTransactions(topic, `${topic}.producer`, [
      {values: ['committed-1', 'committed-2'], commit: true},
      {values: ['aborted-1', 'aborted-2'], commit: false},
      {values: ['committed-3'], commit: true},
    ])
    const committed = ['committed-1', 'committed-2', 'committed-3']
    const readBy = async (isolation: string) =>
      (await ctx.kbus.cli(['console-consumer', '--topic', topic, '--from-beginning', '--timeout-ms', '2000', '--isolation-level', isolation])).split('\n').filter(Boolean)
    const kbusCommitted = await readBy('read_committed')
    if (JSON.stringify(kbusCommitted) !== JSON.stringify(committed)) throw new Error(`kbus console-consumer read_committed printed ${JSON.stringify(kbusCommitted)}`)
    const everything = await readBy('read_uncommitted')
    if (everything.length !== 5) throw new Error(`kbus console-consumer read_uncommitted printed ${JSON.stringify(everything)}, expected the 5 records`)
    // The client's own read_committed reader drops the aborted records by the broker's aborted list.
    expectValues(await client.read(topic, {from: 'earliest', count: 3, readCommitted: true}), committed, `${client.name} reading the topic back at read_committed`)
  },
}

/** Polls a member until `done` holds, writing a fresh round of keyed records between looks. */
async function feedUntil(ctx: SuiteContext, topic: string, label: string, done: (round: number) => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 45_000
  for (let round = 0; Date.now() < deadline; round++) {
    await ctx.kbus.seed(topic, numbered(`${label}.${round}`, 8))
    const looks = Date.now() + 1_500
    while (Date.now() < looks) {
      if (done(round)) return
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`timed out waiting for ${what}`)
}

const groupRebalance: Scenario = {
  id: 'group-rebalance',
  title: 'consumer group: partitions move when a member joins and when it leaves',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('rebalance', client), 2)
    const group = `${topic}.group`
    const first = await client.joinGroup(topic, group)
    let second: GroupMember | undefined
    const partitionsOf = (records: readonly ReadRecord[]) => new Set(records.map((r) => r.partition))
    const ofRound = (member: GroupMember | undefined, label: string) => (member ? member.received.filter((r) => r.value?.startsWith(`${label}-`)) : [])
    try {
      await feedUntil(ctx, topic, 'alone', (round) => ofRound(first, `alone.${round}`).length === 8, 'the first member to read every partition')
      second = await client.joinGroup(topic, group)
      await feedUntil(ctx, topic, 'pair', (round) => {
        const a = ofRound(first, `pair.${round}`)
        const b = ofRound(second, `pair.${round}`)
        const overlap = [...partitionsOf(a)].some((p) => partitionsOf(b).has(p))
        return a.length > 0 && b.length > 0 && a.length + b.length === 8 && !overlap
      }, `the two members to split the partitions (first has ${partitionsOf(first.received).size}, second ${partitionsOf(second.received).size})`)
      await second.stop()
      await feedUntil(ctx, topic, 'after-leave', (round) => ofRound(first, `after-leave.${round}`).length === 8, 'the first member to take every partition back')
    } catch (error) {
      throw new Error(`${(error as Error).message} [${[first.diagnostics(), second?.diagnostics() ?? ''].join(' ').trim().slice(-400)}]`)
    } finally {
      await second?.stop()
      await first.stop()
    }
  },
}

const groupResume: Scenario = {
  id: 'group-resume',
  title: 'consumer group: commits, then resumes from them after kbus restarts',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('resume', client))
    const group = `${topic}.group`
    await ctx.kbus.seed(topic, numbered('before', 5))
    const first = await client.joinGroup(topic, group)
    try {
      await waitFor(() => first.received.length >= 5, {timeout: 40_000, what: 'the first member to read 5 records'})
    } catch (error) {
      throw new Error(`${(error as Error).message} [${first.diagnostics().slice(-400)}]`)
    } finally {
      await first.stop()
    }
    await ctx.daemon.restart()
    await ctx.kbus.seed(topic, numbered('after', 5))
    const second = await client.joinGroup(topic, group)
    try {
      // A lost commit would redeliver the 'before' records first, ahead of the new ones.
      await waitFor(() => second.received.length >= 5, {timeout: 40_000, what: 'the resumed member to read 5 records'})
    } finally {
      await second.stop()
    }
    expectValues(second.received.slice(0, 5), numbered('after', 5).map((r) => r.value), 'after the restart')
  },
}

const createPartitions: Scenario = {
  id: 'create-partitions',
  title: 'topic admin: add partitions to a topic',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('grow', client), 1)
    await client.createPartitions(topic, 3)
    const byKbus = await ctx.kbus.cli(['topics', 'describe', '--topic', topic])
    if (!/PartitionCount:\s*3\b/.test(byKbus)) throw new Error(`kbus describes it as: ${byKbus.trim().split('\n')[0]}`)
  },
}

const alterConfig: Scenario = {
  id: 'alter-config',
  title: 'topic admin: change a topic config',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('alter', client), 1)
    await client.alterTopicConfig(topic, 'retention.ms', '654321')
    const byKbus = await ctx.kbus.cli(['topics', 'describe', '--topic', topic])
    if (!/retention\.ms=654321\b/.test(byKbus)) throw new Error(`kbus describes it as: ${byKbus.trim().split('\n')[0]}`)
  },
}

const deleteRecords: Scenario = {
  id: 'delete-records',
  title: 'delete records below an offset (the log start moves)',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('delete-records', client), 1)
    await ctx.kbus.seed(topic, numbered('del', 10))
    await client.deleteRecordsBefore(topic, 6)
    const left = await ctx.kbus.readAll(topic, 10, 0, 3_000)
    expectValues(left, ['del-6', 'del-7', 'del-8', 'del-9'], 'kbus reading from earliest after the delete')
  },
}

const groupAdmin: Scenario = {
  id: 'group-admin',
  title: 'consumer group admin: list groups, committed offsets',
  async run(client, ctx) {
    const topic = await ctx.kbus.createTopic(topicFor('group-admin', client), 1)
    const group = `${topic}.group`
    await ctx.kbus.seed(topic, numbered('g', 5))
    const member = await client.joinGroup(topic, group)
    try {
      await waitFor(() => member.received.length >= 5, {timeout: 30_000, what: 'a member to read 5 records'})
    } finally {
      // Members commit what they read when they leave.
      await member.stop()
    }
    const groups = await client.listGroups()
    if (!groups.includes(group)) throw new Error(`'${group}' missing from the listed groups: ${groups.slice(0, 10).join(', ')}`)
    const offsets = await client.committedOffsets(group, topic)
    if (offsets[0] !== 5) throw new Error(`committed offsets read as ${JSON.stringify(offsets)}, expected partition 0 at 5`)
  },
}

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const

/** Rows of the matrix, in the order they run: the cross-client writes come before their reads. */
export function scenarios(writers: readonly string[]): Scenario[] {
  return [
    metadata,
    topicAdmin,
    createPartitions,
    alterConfig,
    deleteRecords,
    acksScenario(0, '0'),
    acksScenario(1, '1'),
    acksScenario(-1, 'all'),
    ...CODECS.map(codecScenario),
    consumeEarliest,
    consumeLatest,
    consumeOffset,
    consumeTimestamp,
    groupRebalance,
    groupResume,
    groupAdmin,
    idempotent,
    idempotentRetry,
    perfTools,
    transactions,
    streamsWordCount(false),
    streamsWordCount(true),
    crossRecords,
    ...writers.map(crossRead),
  ]
}
