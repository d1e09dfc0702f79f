/**
 * "The other direction" (issue 4): kbus's own commands with --bootstrap-server, run once against a
 * kbus daemon and once against Apache Kafka. Each scenario checks what a user would check in its
 * output, against either broker; the Apache Kafka run must also match the kbus run step by step
 * (same exit codes, same stdout shape), so a script written against kbus keeps working on Kafka.
 * Topic and group names are the same on both brokers: they never share one.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {BIN, cliEnv, waitFor} from '../e2e/helpers/index.js'
import {TRANSACTIONS_PEER} from './clients/java.js'
import type {CliSession, StepOptions} from './harness/cli-session.js'
import {LongRunning, runOk} from './harness/process.js'
import {parseTopicSummary} from './harness/topic-summary.js'

export interface CliScenarioContext {
  session: CliSession
  /** KBUS_HOME of the session's commands (no daemon in it). */
  home: string
  /** Apache Kafka's jars, for its own tools as a second opinion. */
  javaClasspath(): Promise<string>
}

export interface CliScenario {
  id: string
  title: string
  run(ctx: CliScenarioContext): Promise<void>
}

const lines = (text: string) => text.split('\n').filter((line) => line.length > 0)

function expect(condition: boolean, what: string, output: string): void {
  if (!condition) throw new Error(`${what}; printed: ${JSON.stringify(output.trim().slice(0, 300))}`)
}

const topics: CliScenario = {
  id: 'topics',
  title: 'topics: create with partitions and configs, list, describe, alter partitions, delete',
  async run({session: s}) {
    const topic = 'cli.topics'
    const created = await s.kbus('create', ['topics', '--create', '--topic', topic, '--partitions', '3', '--config', 'retention.ms=123456', '--config', 'cleanup.policy=compact'])
    expect(created.stdout.trim() === `Created topic ${topic}.`, 'create confirms in one line', created.stdout)
    const listed = await s.kbus('list', ['topics', '--list'], {lines: (line) => line.startsWith('cli.')})
    expect(lines(listed.stdout).includes(topic), 'list shows the topic', listed.stdout)
    const described = await s.kbus('describe', ['topics', '--describe', '--topic', topic])
    const summary = parseTopicSummary(described.stdout)
    expect(summary.partitions === 3 && summary.configs['retention.ms'] === '123456' && summary.configs['cleanup.policy'] === 'compact',
      'describe shows 3 partitions and both configs', described.stdout)
    expect(lines(described.stdout).filter((line) => /^\s+Topic: .*Partition: \d/.test(line)).length === 3, 'describe prints a line per partition', described.stdout)
    await s.kbus('alter partitions', ['topics', '--alter', '--topic', topic, '--partitions', '5'])
    const grown = await s.kbus('describe (subcommand form)', ['topics', 'describe', '--topic', topic])
    expect(parseTopicSummary(grown.stdout).partitions === 5, 'describe after alter shows 5 partitions', grown.stdout)
    await s.kbus('delete', ['topics', '--delete', '--topic', topic])
    // Apache Kafka deletes in the background: poll (unrecorded) until the listing forgets it.
    await waitFor(async () => !lines((await s.probe(['topics', '--list'])).stdout).includes(topic), {timeout: 20_000, what: `${topic} to leave the listing`})
  },
}

const topicErrors: CliScenario = {
  id: 'topic-errors',
  title: 'topics: refusals (existing, missing, shrinking, replication factor 3 with its hint, a bad config value) exit 1',
  async run({session: s}) {
    const topic = 'cli.topic-errors'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('create again', ['topics', '--create', '--topic', topic], {exit: 1})
    await s.kbus('create --if-not-exists', ['topics', '--create', '--topic', topic, '--if-not-exists'])
    await s.kbus('describe missing', ['topics', '--describe', '--topic', 'cli.no-such-topic'], {exit: 1})
    await s.kbus('delete missing', ['topics', '--delete', '--topic', 'cli.no-such-topic'], {exit: 1})
    await s.kbus('shrink', ['topics', '--alter', '--topic', topic, '--partitions', '1'], {exit: 1})
    const replicated = await s.kbus('replication factor 3', ['topics', '--create', '--topic', 'cli.rf3', '--replication-factor', '3'], {exit: 1})
    // The hint comes from the broker count in the broker's own INVALID_REPLICATION_FACTOR message.
    const stderr = replicated.stderr.split('\n')
    const hint = stderr[stderr.findIndex((line) => line.startsWith('Error: Unable to replicate the partition 3 time(s)')) + 1]
    expect(hint === 'The cluster has a single broker: use --replication-factor 1.', 'the single-broker hint under the error', replicated.stderr)
    await s.kbus('bad config value', ['topics', '--create', '--topic', 'cli.bad-config', '--config', 'retention.ms=soon'], {exit: 1})
  },
}

const HEADERS_KEYS_LINES = 'trace:abc,lang:日本\tk1\tone\n<NULL>\tk2\ttwo\ntrace:x,trace:y\t<NULL>\tthree\n'
const LINE_READER = ['--property', 'parse.key=true', '--property', 'parse.headers=true', '--property', 'null.marker=<NULL>']

const consoleTools: CliScenario = {
  id: 'console',
  title: 'console-producer and console-consumer: keys, headers, null keys, formatter properties, --partition/--offset, --json',
  async run({session: s}) {
    const topic = 'cli.console'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce', ['console-producer', '--topic', topic, ...LINE_READER], {input: HEADERS_KEYS_LINES})
    const printed = await s.kbus('consume with print.*', ['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '3',
      '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.partition=true', '--property', 'print.offset=true'])
    expect(printed.stdout === 'Partition:0\tOffset:0\ttrace:abc,lang:日本\tk1\tone\nPartition:0\tOffset:1\tNO_HEADERS\tk2\ttwo\nPartition:0\tOffset:2\ttrace:x,trace:y\tnull\tthree\n',
      'the three records in Kafka\'s formatter layout', printed.stdout)
    expect(/Processed a total of 3 messages/.test(printed.stderr), 'the total on stderr', printed.stderr)
    const timed = await s.kbus('consume with print.timestamp', ['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '1', '--property', 'print.timestamp=true'])
    expect(/^CreateTime:\d{13}\tone\n$/.test(timed.stdout), 'a CreateTime before the value', timed.stdout)
    const json = await s.kbus('consume --partition --offset --json', ['console-consumer', '--topic', topic, '--partition', '0', '--offset', '1', '--max-messages', '2', '--json'])
    const records = lines(json.stdout).map((line) => JSON.parse(line) as {offset: number; key: string | null; value: string; headers: unknown[]})
    expect(records.length === 2 && records[0]!.offset === 1 && records[1]!.key === null && records[1]!.headers.length === 2, 'offsets 1 and 2 as JSON lines', json.stdout)
    const empty = await s.kbus('consume an empty partition', ['console-consumer', '--topic', topic, '--partition', '0', '--offset', 'latest', '--timeout-ms', '1500'])
    expect(empty.stdout === '', 'nothing printed', empty.stdout)
  },
}

const CODECS = ['gzip', 'snappy', 'lz4', 'zstd'] as const
const compressible = (count: number) => Array.from({length: count}, (_, i) => `line-${i} ${'compressible '.repeat(8)}\n`).join('')

const compression: CliScenario = {
  id: 'compression',
  title: 'console-producer --compression-codec gzip, snappy, lz4, zstd: the broker accepts each, console-consumer reads them back',
  async run({session: s}) {
    for (const codec of CODECS) {
      const topic = `cli.compression-${codec}`
      await s.kbus(`create (${codec})`, ['topics', '--create', '--topic', topic])
      await s.kbus(`produce ${codec}`, ['console-producer', '--topic', topic, '--compression-codec', codec], {input: compressible(300)})
      const read = await s.kbus(`consume ${codec}`, ['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '300'])
      expect(read.stdout === compressible(300), `the 300 ${codec} lines back in order`, read.stdout)
    }
  },
}

/**
 * kbus dump-log on a segment the broker itself wrote (and still writes to), against Kafka's own
 * DumpLogSegments on the same files: kbus's reading of Kafka's on-disk format, and Kafka's of kbus's.
 */
/** Kafka's own kafka-dump-log (DumpLogSegments) on a file: the reference kbus dump-log is held to. */
function kafkaDumpLog(classpath: string, file: string, flags: readonly string[]) {
  return runOk('java', ['-Xmx256M', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
    '-cp', classpath, 'org.apache.kafka.tools.DumpLogSegments', '--files', file, ...flags], {timeoutMs: 60_000})
}

function dumpLogScenario(id: string, title: string, files: ReadonlyArray<readonly [label: string, suffix: string, flags: readonly string[]]>): CliScenario {
  return {
    id,
    title,
    async run({session: s, javaClasspath}) {
      const topic = `cli.${id}`
      await s.kbus('create', ['topics', '--create', '--topic', topic])
      await s.kbus('produce zstd', ['console-producer', '--topic', topic, '--compression-codec', 'zstd', ...LINE_READER], {input: HEADERS_KEYS_LINES})
      await s.kbus('produce uncompressed', ['console-producer', '--topic', topic, ...LINE_READER], {input: HEADERS_KEYS_LINES})
      const segment = join(s.target.dataDir, `${topic}-0`, '00000000000000000000')
      const classpath = await javaClasspath()
      for (const [label, suffix, flags] of files) {
        const file = `${segment}${suffix}`
        // Kafka's tool exits 0 whatever it finds: its stdout is the reference, kbus's exit code is checked against its own rule.
        const byKafka = await kafkaDumpLog(classpath, file, flags)
        // Batch layout (producer ids, CRCs, batching) is the broker's and the client's: only the exit code is compared across brokers.
        const byKbus = await s.kbus(`dump-log ${label}`, ['dump-log', '--files', file, ...flags], {noBootstrapFlag: true, compare: 'exit-code'})
        if (byKbus.stdout !== byKafka.stdout) {
          const ours = byKbus.stdout.split('\n')
          const theirs = byKafka.stdout.split('\n')
          const at = Math.max(0, ours.findIndex((line, i) => line !== theirs[i]))
          throw new Error(`dump-log ${label}: line ${at + 1} is ${JSON.stringify(ours[at] ?? '(missing)')}, kafka-dump-log prints ${JSON.stringify(theirs[at] ?? '(missing)')}`)
        }
      }
    },
  }
}

const dumpLog = dumpLogScenario('dump-log', 'dump-log of the broker\'s own live .log segment: batches and records as kafka-dump-log (DumpLogSegments) prints them', [
  ['batches', '.log', []],
  ['records', '.log', ['--print-data-log']],
])

const dumpLogIndexes = dumpLogScenario('dump-log-index', 'dump-log of the broker\'s own live .index and .timeindex: entries as kafka-dump-log prints them, exit 0', [
  ['offset index', '.index', []],
  ['time index', '.timeindex', []],
])

const groups: CliScenario = {
  id: 'consumer-groups',
  title: 'consumer-groups: a console-consumer --group commits; list, describe (offsets, state, members), reset-offsets, delete',
  async run({session: s}) {
    const topic = 'cli.groups'
    const group = 'cli.groups.g'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce', ['console-producer', '--topic', topic], {input: 'one\ntwo\nthree\n'})
    const first = await s.kbus('consume in the group', ['console-consumer', '--topic', topic, '--group', group, '--from-beginning', '--max-messages', '3'])
    expect(first.stdout === 'one\ntwo\nthree\n', 'the member reads the three records', first.stdout)
    const listed = await s.kbus('list', ['consumer-groups', '--list'], {lines: (line) => line.startsWith('cli.')})
    expect(lines(listed.stdout).includes(group), 'list shows the group', listed.stdout)
    const described = await s.kbus('describe', ['consumer-groups', '--describe', '--group', group])
    expect(new RegExp(`^${group}\\s+${topic}\\s+0\\s+3\\s+3\\s+0\\s`, 'm').test(described.stdout), 'partition 0 at offset 3 of 3, lag 0', described.stdout)
    const state = await s.kbus('describe --state', ['consumer-groups', '--describe', '--group', group, '--state'])
    expect(/\bEmpty\b/.test(state.stdout), 'the group is Empty once its member left', state.stdout)
    await s.kbus('describe --members', ['consumer-groups', '--describe', '--group', group, '--members'])
    const reset = await s.kbus('reset --to-offset --execute', ['consumer-groups', '--reset-offsets', '--group', group, '--topic', topic, '--to-offset', '1', '--execute'])
    expect(new RegExp(`^${group}\\s+${topic}\\s+0\\s+1\\s*$`, 'm').test(reset.stdout), 'the new offset 1', reset.stdout)
    await s.kbus('reset --to-earliest --dry-run', ['consumer-groups', '--reset-offsets', '--group', group, '--topic', topic, '--to-earliest', '--dry-run'])
    const resumed = await s.kbus('consume from the reset offset', ['console-consumer', '--topic', topic, '--group', group, '--max-messages', '2'])
    expect(resumed.stdout === 'two\nthree\n', 'the group resumes at offset 1', resumed.stdout)
    await s.kbus('list --state', ['consumer-groups', '--list', '--state'], {lines: (line) => line.startsWith('cli.') || line.startsWith('GROUP')})
    const deleted = await s.kbus('delete', ['consumer-groups', '--delete', '--group', group])
    expect(/was successful/.test(deleted.stdout), 'delete confirms', deleted.stdout)
    await s.kbus('describe a deleted group', ['consumer-groups', '--describe', '--group', group], {exit: 1})
  },
}

/** A member that stays: describe shows it holding the partition, then it leaves on SIGTERM. */
const groupMember: CliScenario = {
  id: 'group-member',
  title: 'consumer-groups --describe while a console-consumer member is running: its consumer id, host and client id',
  async run({session: s, home}) {
    const topic = 'cli.member'
    const group = 'cli.member.g'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce', ['console-producer', '--topic', topic], {input: 'a\nb\n'})
    const member = new LongRunning(process.execPath, [BIN, 'console-consumer', '--topic', topic, '--group', group, '--from-beginning',
      '--bootstrap-server', s.target.bootstrap], {env: cliEnv(home), maxLifeMs: 90_000})
    try {
      await waitFor(() => member.lines.length >= 2, {timeout: 30_000, what: `the member to read 2 records (stderr: ${member.stderr.slice(-200)})`})
      const described = await s.kbus('describe with a member', ['consumer-groups', '--describe', '--group', group])
      expect(new RegExp(`^${group}\\s+${topic}\\s+0\\s+\\S+\\s+2\\s+\\S+\\s+\\S+-[0-9a-f-]{36}\\s+/127\\.0\\.0\\.1\\s+\\S+`, 'm').test(described.stdout),
        'partition 0 held by a member with its consumer id, host and client id', described.stdout)
      const members = await s.kbus('describe --members', ['consumer-groups', '--describe', '--group', group, '--members'])
      expect(new RegExp(`^${group}\\s+\\S+\\s+/127\\.0\\.0\\.1\\s+\\S+\\s+1\\s*$`, 'm').test(members.stdout), 'one member with one partition', members.stdout)
      const state = await s.kbus('describe --state', ['consumer-groups', '--describe', '--group', group, '--state'])
      expect(/\bStable\b/.test(state.stdout), 'the group is Stable', state.stdout)
    } finally {
      await member.stop()
    }
  },
}

const configs: CliScenario = {
  id: 'configs',
  title: 'configs: describe, --add-config (a list value too), --delete-config, describe --all, a missing topic, a refused value, broker configs',
  async run({session: s}) {
    const topic = 'cli.configs'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    const none = await s.kbus('describe (none set)', ['configs', '--describe', '--entity-type', 'topics', '--entity-name', topic])
    expect(none.stdout === `Dynamic configs for topic ${topic} are:\n`, 'only the heading', none.stdout)
    const altered = await s.kbus('add', ['configs', '--alter', '--topic', topic, '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]'])
    expect(altered.stdout === `Completed updating config for topic ${topic}.\n`, 'Kafka\'s confirmation', altered.stdout)
    const both = await s.kbus('describe', ['configs', '--describe', '--topic', topic])
    expect(/^\s+retention\.ms=60000 sensitive=false/m.test(both.stdout) && /^\s+cleanup\.policy=compact,delete sensitive=false/m.test(both.stdout), 'both overrides', both.stdout)
    await s.kbus('delete-config', ['configs', '--alter', '--topic', topic, '--delete-config', 'retention.ms'])
    const one = await s.kbus('describe after delete-config', ['configs', 'describe', '--topic', topic])
    expect(!/retention\.ms/.test(one.stdout) && /cleanup\.policy/.test(one.stdout), 'only cleanup.policy left', one.stdout)
    const all = await s.kbus('describe --all', ['configs', '--describe', '--topic', topic, '--all'])
    expect(all.stdout.startsWith(`All configs for topic ${topic} are:\n`) &&
      /^\s+cleanup\.policy=compact,delete sensitive=false synonyms=\{DYNAMIC_TOPIC_CONFIG:cleanup\.policy=compact,delete, DEFAULT_CONFIG:log\.cleanup\.policy=delete\}$/m.test(all.stdout) &&
      /^\s+segment\.bytes=1073741824 sensitive=false synonyms=\{DEFAULT_CONFIG:log\.segment\.bytes=1073741824\}$/m.test(all.stdout),
    'every config, the override and a default with their synonyms', all.stdout)
    // kbus's command on both brokers: Kafka's own kafka-configs prints this sentence and exits 0, kbus fails with it.
    const missing = await s.kbus('describe missing topic', ['configs', '--describe', '--topic', 'cli.no-such-topic'], {exit: 1})
    expect(missing.stderr.startsWith('Error: The topic \'cli.no-such-topic\' doesn\'t exist and doesn\'t have dynamic config.\n'), 'kafka-configs\' sentence on stderr', missing.stderr)
    await s.kbus('refused value', ['configs', '--alter', '--topic', topic, '--add-config', 'retention.ms=soon'], {exit: 1})
    const broker = await s.kbus('describe broker 1', ['configs', '--describe', '--entity-type', 'brokers', '--entity-name', '1'])
    expect(broker.stdout.startsWith('Dynamic configs for broker 1 are:'), 'the broker heading', broker.stdout)
    await s.kbus('describe broker defaults', ['configs', '--describe', '--entity-type', 'brokers', '--entity-default'])
  },
}

const getOffsets: CliScenario = {
  id: 'get-offsets',
  title: 'get-offsets: latest, earliest, by timestamp, partition filters, --json',
  async run({session: s}) {
    const topic = 'cli.offsets'
    await s.kbus('create', ['topics', '--create', '--topic', topic, '--partitions', '2'])
    // Keys place records by Kafka's murmur2 partitioner, the same on both brokers.
    const keyed = (round: string) => Array.from({length: 6}, (_, i) => `k${i}\t${round}-${i}\n`).join('')
    await s.kbus('produce round 1', ['console-producer', '--topic', topic, '--property', 'parse.key=true'], {input: keyed('first')})
    const latest1 = await s.kbus('latest', ['get-offsets', '--topic', topic])
    const counts = lines(latest1.stdout).map((line) => Number(line.split(':')[2]))
    expect(counts.length === 2 && counts[0]! + counts[1]! === 6, 'two partitions holding the six records', latest1.stdout)
    const cut = Date.now() + 1
    await waitFor(() => Date.now() > cut, {what: 'the clock to pass the cut'})
    await s.kbus('produce round 2', ['console-producer', '--topic', topic, '--property', 'parse.key=true'], {input: keyed('second')})
    const byTime = await s.kbus('by timestamp', ['get-offsets', '--topic', topic, '--time', String(cut)])
    expect(byTime.stdout === latest1.stdout, 'the first record after the cut is where round 1 ended', byTime.stdout)
    const earliest = await s.kbus('earliest', ['get-offsets', '--topic', topic, '--time', '-2'])
    expect(earliest.stdout === `${topic}:0:0\n${topic}:1:0\n`, 'both partitions start at 0', earliest.stdout)
    await s.kbus('latest', ['get-offsets', '--topic', topic, '--time', 'latest'])
    const one = await s.kbus('--partitions 1', ['get-offsets', '--topic', topic, '--partitions', '1'])
    expect(lines(one.stdout).length === 1 && one.stdout.startsWith(`${topic}:1:`), 'partition 1 only', one.stdout)
    await s.kbus('--topic-partitions', ['get-offsets', '--topic-partitions', `${topic}:0`])
    const json = await s.kbus('--json', ['get-offsets', '--topic', topic, '--time', 'earliest', '--json'])
    expect((JSON.parse(json.stdout) as unknown[]).length === 2, 'a JSON array of two', json.stdout)
  },
}

/** ListOffsets with MAX_TIMESTAMP (-3), Kafka 3.0's KIP-734: the first record carrying the partition's largest timestamp. */
const maxTimestamp: CliScenario = {
  id: 'max-timestamp',
  title: 'get-offsets --time -3: the offset of the first record with the largest timestamp',
  async run({session: s}) {
    const topic = 'cli.max-timestamp'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce round 1', ['console-producer', '--topic', topic], {input: 'a\nb\nc\n'})
    const firstRound = await s.probe(['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '3', '--property', 'print.timestamp=true'])
    const cut = Math.max(...lines(firstRound.stdout).map((line) => Number(/CreateTime:(\d+)/.exec(line)?.[1])))
    await waitFor(() => Date.now() > cut, {what: 'the clock to pass round 1'})
    await s.kbus('produce round 2', ['console-producer', '--topic', topic], {input: 'd\ne\nf\n'})
    const read = await s.kbus('read offsets and times', ['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '6',
      '--property', 'print.timestamp=true', '--property', 'print.offset=true'])
    const stamped = lines(read.stdout).map((line) => ({time: Number(/CreateTime:(\d+)/.exec(line)?.[1]), offset: Number(/Offset:(\d+)/.exec(line)?.[1])}))
    const largest = Math.max(...stamped.map((r) => r.time))
    const expected = stamped.find((r) => r.time === largest)!.offset
    // Which record carries the largest timestamp depends on each run's clock: each run checks its own answer.
    const got = await s.kbus('max-timestamp', ['get-offsets', '--topic', topic, '--time', '-3'], {compare: 'exit-code'})
    expect(got.stdout === `${topic}:0:${expected}\n`, `offset ${expected}, the first record stamped ${largest}`, got.stdout)
  },
}

const deleteRecords: CliScenario = {
  id: 'delete-records',
  title: 'delete-records: by --topic/--partition/--offset and by Kafka\'s JSON file; beyond the end exits 1',
  async run({session: s}) {
    const topic = 'cli.delete-records'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce', ['console-producer', '--topic', topic], {input: Array.from({length: 10}, (_, i) => `r${i}\n`).join('')})
    const byFlags = await s.kbus('delete below 4', ['delete-records', '--topic', topic, '--partition', '0', '--offset', '4'])
    expect(byFlags.stdout.includes(`partition: ${topic}-0\tlow_watermark: 4`), 'the new low watermark', byFlags.stdout)
    const dir = mkdtempSync(join(tmpdir(), 'kbus-interop-'))
    try {
      const file = join(dir, 'offsets.json')
      writeFileSync(file, JSON.stringify({partitions: [{topic, partition: 0, offset: 6}], version: 1}))
      await s.kbus('delete below 6 (JSON file)', ['delete-records', '--offset-json-file', file])
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
    await s.kbus('beyond the end', ['delete-records', '--topic', topic, '--partition', '0', '--offset', '100'], {exit: 1})
    const start = await s.kbus('log start', ['get-offsets', '--topic', topic, '--time', '-2'])
    expect(start.stdout === `${topic}:0:6\n`, 'the log starts at 6', start.stdout)
    const left = await s.kbus('what is left', ['console-consumer', '--topic', topic, '--from-beginning', '--max-messages', '4'])
    expect(left.stdout === 'r6\nr7\nr8\nr9\n', 'records 6 to 9', left.stdout)
  },
}

const perfTools: CliScenario = {
  id: 'perf-tools',
  title: 'producer-perf-test, consumer-perf-test and end-to-end-latency: Kafka\'s report lines',
  async run({session: s}) {
    const topic = 'cli.perf'
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    const produced = await s.kbus('producer-perf-test', ['producer-perf-test', '--topic', topic, '--num-records', '2000', '--record-size', '100', '--throughput', '-1'], {compare: 'numbers'})
    expect(/^2000 records sent, [\d.]+ records\/sec/m.test(produced.stdout), 'the summary line', produced.stdout)
    const consumed = await s.kbus('consumer-perf-test', ['consumer-perf-test', '--topic', topic, '--num-records', '2000', '--timeout', '20000'], {compare: 'numbers'})
    expect(/, 2000, /.test(consumed.stdout), 'the summary row counts 2000 records', consumed.stdout)
    const latency = await s.kbus('end-to-end-latency', ['end-to-end-latency', s.target.bootstrap, 'cli.latency', '200', '1', '100'], {compare: 'numbers', noBootstrapFlag: true})
    expect(/^Avg latency: [\d.]+ ms$/m.test(latency.stdout), 'the average latency line', latency.stdout)
  },
}

/** Kafka's own admin tools (kafka-log-dirs, kafka-transactions, ...), run against the broker as its scripts run them. */
const KAFKA_ADMIN_TOOLS = {
  logDirs: 'org.apache.kafka.tools.LogDirsCommand',
  transactions: 'org.apache.kafka.tools.TransactionsCommand',
  leaderElection: 'org.apache.kafka.tools.LeaderElectionCommand',
  reassign: 'org.apache.kafka.tools.reassign.ReassignPartitionsCommand',
  acls: 'org.apache.kafka.tools.AclCommand',
}

/**
 * Kafka's own admin tools against the broker, as kafka-log-dirs.sh and the rest run them: the same
 * tool prints the same lines against kbus and against Apache Kafka (one broker, no authorizer, no
 * transaction yet, nothing being reassigned).
 */
const kafkaAdminTools: CliScenario = {
  id: 'kafka-admin-tools',
  title: 'Kafka\'s own kafka-log-dirs --describe, kafka-transactions describe-producers/list/describe, kafka-leader-election, kafka-reassign-partitions --list, kafka-acls --list',
  async run({session: s, javaClasspath}) {
    const topic = 'cli.admin-tools'
    const classpath = await javaClasspath()
    const tool = (label: string, mainClass: string, args: string[], opts?: StepOptions) => s.kafkaTool(label, classpath, mainClass, args, opts)
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await s.kbus('produce', ['console-producer', '--topic', topic], {input: 'one\ntwo\nthree\n'})

    // The data dir's path is each broker's own: the JSON is checked here, the exit code across brokers.
    const logDirs = await tool('log-dirs --describe', KAFKA_ADMIN_TOOLS.logDirs, ['--describe', '--topic-list', topic], {compare: 'exit-code'})
    const [intro, received, json] = lines(logDirs.stdout)
    expect(intro === 'Querying brokers for log directories information' && received === 'Received log directory information from brokers 1',
      'kafka-log-dirs\'s two lines before the JSON', logDirs.stdout)
    const described = JSON.parse(json ?? '{}') as {brokers?: {logDirs: {logDir: string; error: null; partitions: {partition: string; size: number; offsetLag: number}[]}[]}[]}
    const dirs = described.brokers?.[0]?.logDirs ?? []
    expect(dirs.length === 1 && dirs[0]!.logDir === s.target.dataDir && dirs[0]!.error === null, 'one log dir, the broker\'s data dir', logDirs.stdout)
    const [partition] = dirs[0]!.partitions
    expect(dirs[0]!.partitions.length === 1 && partition!.partition === `${topic}-0` && partition!.size > 0 && partition!.offsetLag === 0,
      'the produced partition with its size on disk', logDirs.stdout)

    // Producer ids are each broker's own (kbus's look like clock readings): the row is checked here.
    const producers = await tool('describe-producers', KAFKA_ADMIN_TOOLS.transactions, ['describe-producers', '--topic', topic, '--partition', '0'], {compare: 'exit-code'})
    const [header, row, ...more] = lines(producers.stdout).map((line) => line.split('\t').map((cell) => cell.trim()).filter((cell) => cell !== ''))
    expect(header?.join(' ') === 'ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset' && more.length === 0,
      'the header and one producer', producers.stdout)
    expect(row?.[1] === '0' && row[2] === '-1' && row[3] === '2' && /^\d{13}$/.test(row[4] ?? '') && row[5] === 'None',
      'the console producer at epoch 0, its last sequence 2 (three records), no transaction', producers.stdout)

    const elected = await tool('leader-election --topic --partition', KAFKA_ADMIN_TOOLS.leaderElection, ['--election-type', 'preferred', '--topic', topic, '--partition', '0'])
    expect(elected.stdout === `Valid replica already elected for partitions ${topic}-0\n`, 'the partition already has its preferred leader', elected.stdout)
    // Kafka leaves out the partitions that need no election: nothing to print.
    const electedAll = await tool('leader-election --all-topic-partitions', KAFKA_ADMIN_TOOLS.leaderElection, ['--election-type', 'preferred', '--all-topic-partitions'])
    expect(electedAll.stdout === '', 'nothing printed', electedAll.stdout)
    const reassignments = await tool('reassign-partitions --list', KAFKA_ADMIN_TOOLS.reassign, ['--list'])
    expect(reassignments.stdout === 'No partition reassignments found.\n', 'no reassignment in progress', reassignments.stdout)
    const acls = await tool('acls --list', KAFKA_ADMIN_TOOLS.acls, ['--list'], {exit: 1, lines: (line) => line.startsWith('Error') || line.startsWith('Caused by')})
    expect(lines(acls.stdout)[0] === 'Error while executing ACL command: org.apache.kafka.common.errors.SecurityDisabledException: No Authorizer is configured on the broker',
      'Kafka\'s error for a broker without an authorizer', acls.stdout)
    const transactions = await tool('transactions list', KAFKA_ADMIN_TOOLS.transactions, ['list'])
    expect(lines(transactions.stdout).length === 1 && /^TransactionalId\s+Coordinator\s+ProducerId\s+TransactionState/.test(transactions.stdout),
      'the header alone: no transaction', transactions.stdout)
    // Both fail (exit 1) naming the id: DescribeTransactions answers TRANSACTIONAL_ID_NOT_FOUND.
    const describedTxn = await tool('transactions describe', KAFKA_ADMIN_TOOLS.transactions, ['describe', '--transactional-id', 'cli.no-such-txn'], {exit: 1})
    expect(describedTxn.stderr.startsWith('Failed to describe transaction state of transactional-id `cli.no-such-txn`'), 'the failure names the id', describedTxn.stderr)
  },
}

/**
 * Transactions written by Kafka's Java producer (TransactionsPeer.java), then read by kbus's
 * commands as a user checks them: read_committed prints the committed records only (kbus's
 * consumer drops what the broker lists as aborted), the markers take offsets, dump-log prints
 * them as kafka-dump-log does, and kafka-transactions describes the finished transaction.
 */
const transactions: CliScenario = {
  id: 'transactions',
  title: "transactions: Java's producer commits, aborts, commits; console-consumer at read_committed and read_uncommitted, get-offsets, dump-log's markers, kafka-transactions describe; producer-perf-test --transactional-id",
  async run({session: s, javaClasspath}) {
    const topic = 'cli.transactions'
    const classpath = await javaClasspath()
    await s.kbus('create', ['topics', '--create', '--topic', topic])
    await runOk('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-cp', classpath, TRANSACTIONS_PEER, s.target.bootstrap, topic, 'cli.txn',
      'commit:c1,c2', 'abort:a1,a2', 'commit:c3'], {timeoutMs: 90_000})
    const read = (isolation: string) =>
      s.kbus(isolation, ['console-consumer', '--topic', topic, '--from-beginning', '--timeout-ms', '3000', '--isolation-level', isolation])
    const committed = await read('read_committed')
    expect(committed.stdout === 'c1\nc2\nc3\n', 'read_committed prints the committed records only', committed.stdout)
    const everything = await read('read_uncommitted')
    expect(everything.stdout === 'c1\nc2\na1\na2\nc3\n', 'read_uncommitted prints all five', everything.stdout)
    const end = await s.kbus('get-offsets', ['get-offsets', '--topic', topic])
    expect(end.stdout === `${topic}:0:8\n`, 'five records and three markers', end.stdout)

    const segment = join(s.target.dataDir, `${topic}-0`, '00000000000000000000.log')
    const byKafka = await kafkaDumpLog(classpath, segment, ['--deep-iteration'])
    // Producer ids, timestamps and CRCs are the broker's: each broker's file is compared with kafka-dump-log's reading of it.
    const byKbus = await s.kbus('dump-log', ['dump-log', '--files', segment, '--deep-iteration'], {noBootstrapFlag: true, compare: 'exit-code'})
    expect(byKbus.stdout === byKafka.stdout, 'dump-log prints what kafka-dump-log prints', `${byKbus.stdout}\n---\n${byKafka.stdout}`)
    expect(/endTxnMarker: ABORT coordinatorEpoch: \d+/.test(byKbus.stdout) && /endTxnMarker: COMMIT coordinatorEpoch: \d+/.test(byKbus.stdout),
      'the markers among the batches', byKbus.stdout)

    const described = await s.kafkaTool('transactions describe', classpath, KAFKA_ADMIN_TOOLS.transactions, ['describe', '--transactional-id', 'cli.txn'], {compare: 'exit-code'})
    expect(/\bcli\.txn\b.*\bCompleteCommit\b/.test(described.stdout), 'the finished transaction, CompleteCommit', described.stdout)

    // kbus's own transactional producer: producer-perf-test commits every 100 ms, read back at read_committed.
    await s.kbus('create perf topic', ['topics', '--create', '--topic', `${topic}-perf`])
    const perf = await s.kbus('producer-perf-test --transactional-id', ['producer-perf-test', '--topic', `${topic}-perf`, '--num-records', '2000',
      '--record-size', '50', '--throughput', '5000', '--transactional-id', 'cli.perf-txn', '--transaction-duration-ms', '100'], {compare: 'numbers'})
    expect(/^2000 records sent, /m.test(perf.stdout), 'the summary line', perf.stdout)
    const perfRead = await s.kbus('read_committed perf', ['console-consumer', '--topic', `${topic}-perf`, '--from-beginning', '--timeout-ms', '3000',
      '--isolation-level', 'read_committed'], {compare: 'exit-code'})
    expect(lines(perfRead.stdout).length === 2000, 'read_committed reads all 2000 committed records', `${lines(perfRead.stdout).length} lines`)
  },
}

/** Rows of the second table, in the order they run. */
export const CLI_SCENARIOS: readonly CliScenario[] = [
  topics, topicErrors, consoleTools, compression, dumpLog, dumpLogIndexes, groups, groupMember, configs, getOffsets, maxTimestamp, deleteRecords, perfTools,
  kafkaAdminTools, transactions,
]
