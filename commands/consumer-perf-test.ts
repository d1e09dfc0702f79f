import {Flags} from '@oclif/core'
import {Fetcher, type FetcherOptions} from '../src/client/fetcher.js'
import {GroupConsumer} from '../src/client/group-consumer.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {groupIdOf, groupOptions} from '../src/cli/group-consumer-config.js'
import {parseKeyValueArgs} from '../src/cli/key-value-args.js'
import {integerProperty} from '../src/cli/numeric-property.js'
import {printWarning} from '../src/cli/output.js'
import {ConsumerPerfRun, RebalanceTimer, type RecordSource} from '../src/cli/perf-consumer.js'
import {consumerHeader, consumerSummary, type ConsumerSummary, formatConsumerInterval, formatConsumerSummary} from '../src/cli/perf-consumer-stats.js'
import {DEFAULT_DATE_FORMAT, dateFormatter} from '../src/cli/perf-format.js'
import {formatMetrics, type Metric} from '../src/cli/perf-metrics.js'
import {startLiveStatus} from '../src/cli/perf-progress.js'
import {NewTopicWatch, partitionsOf, pollingNewTopics, topicPattern, topicsMatching} from '../src/cli/topic-pattern.js'
import {readPropertiesFile} from '../src/config/properties.js'

const CLIENT_ID = 'perf-consumer-client'
/** Kafka's fetch.max.wait.ms default: how long one Fetch may wait at the broker. */
const MAX_WAIT_MS = 500

export default class ConsumerPerfTest extends KbusCommand {
  static override summary = 'Measure consumer throughput (kafka-consumer-perf-test)'
  static override description =
    'Reads --num-records records from a topic, from the earliest offset (or the latest with --from-latest), and prints Kafka\'s header and ' +
    'one summary row: MB (1024×1024 bytes of keys and values) and messages consumed, per second overall and over the fetch time ' +
    '(the run minus rebalance.time.ms). It stops early, with a warning, when no record arrives for --timeout ms. ' +
    'Without --group it reads every partition directly (rebalance.time.ms is 0); with --group it joins that consumer group. ' +
    '--messages is the older name of --num-records, and --consumer.config of --command-config, still accepted with a warning as Kafka 4 does.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 1000000',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --group perf-readers --show-detailed-stats --reporting-interval 1000',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --bootstrap-server kafka:9092 --hide-header',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({summary: 'The topic to consume from.', exactlyOne: ['topic', 'include']}),
    include: Flags.string({
      summary: 'Consume every topic whose whole name matches this regular expression (internal topics aside), new ones included.',
      exactlyOne: ['topic', 'include'],
    }),
    'num-records': Flags.integer({summary: 'How many records to consume.', min: 0, exactlyOne: ['num-records', 'messages']}),
    messages: Flags.integer({
      summary: '(Deprecated) How many records to consume; use --num-records.',
      min: 0,
      exactlyOne: ['num-records', 'messages'],
    }),
    group: Flags.string({summary: 'Consume as a member of this consumer group (default: no group, every partition read directly).'}),
    'from-latest': Flags.boolean({summary: 'Without a committed offset, start at the end of the log instead of the beginning.'}),
    timeout: Flags.integer({summary: 'Stop when no record arrives for this many ms.', default: 10_000, min: 0}),
    'fetch-size': Flags.integer({summary: 'Bytes to fetch per partition in one request (max.partition.fetch.bytes).', default: 1_048_576, min: 1}),
    'command-property': Flags.string({summary: 'Consumer configs as key=value pairs (repeatable); they win over --command-config.', multiple: true}),
    'consumer.config': Flags.string({summary: '(Deprecated) A consumer config properties file; use --command-config.', exclusive: ['command-config']}),
    'show-detailed-stats': Flags.boolean({summary: 'Print a row every --reporting-interval instead of the summary row.'}),
    'reporting-interval': Flags.integer({summary: 'Milliseconds between --show-detailed-stats rows.', default: 5_000, min: 1}),
    'date-format': Flags.string({summary: `Java SimpleDateFormat pattern for the time columns (default ${DEFAULT_DATE_FORMAT}).`}),
    'hide-header': Flags.boolean({summary: 'Do not print the header line.'}),
    'print-metrics': Flags.boolean({summary: "Print the consumer metrics kbus measures at the end, in Kafka's layout."}),
    'socket-buffer-size': Flags.integer({
      summary: "Accepted for Kafka's command lines and not applied: Node cannot set a TCP socket's receive buffer, so the OS sizes it.",
      min: 1,
    }),
  }

  async run(): Promise<ConsumerSummary> {
    const {flags} = await this.parse(ConsumerPerfTest)
    const json = this.jsonEnabled()
    if (flags.messages !== undefined) printWarning('--messages is deprecated. Use --num-records instead.')
    if (flags['consumer.config'] !== undefined) printWarning('--consumer.config is deprecated. Use --command-config instead.')
    // exactlyOne guarantees one of the two is set.
    const wanted = (flags['num-records'] ?? flags.messages)!
    const formatDate = dateFormatter(flags['date-format'] ?? DEFAULT_DATE_FORMAT)
    const configFile = flags['consumer.config'] ?? flags['command-config']
    const fileProperties = configFile ? await readPropertiesFile(configFile, 'consumer config') : new Map<string, string>()
    const properties = new Map([...fileProperties, ...parseKeyValueArgs(flags['command-property'], '--command-property')])
    const groupId = groupIdOf(flags.group, properties)
    // A pattern that is not a regular expression is a usage error before anything connects.
    const include = flags.include === undefined ? undefined : topicPattern(flags.include)
    const metadataMaxAgeMs = integerProperty(properties, 'metadata.max.age.ms', {min: 0})
    // Checked before connecting; the topics themselves are known once the metadata is.
    const group = groupId === undefined ? undefined : groupOptions(groupId, flags.topic === undefined ? [] : [flags.topic], properties)
    const what = flags.topic ?? `topics matching '${flags.include}'`
    const detailed = flags['show-detailed-stats']
    const fetchOptions: FetcherOptions = {
      maxWaitMs: Math.min(integerProperty(properties, 'fetch.max.wait.ms', {min: 0}) ?? MAX_WAIT_MS, flags.timeout),
      minBytes: integerProperty(properties, 'fetch.min.bytes', {min: 0}),
      maxBytes: integerProperty(properties, 'fetch.max.bytes', {min: 0}),
      partitionMaxBytes: flags['fetch-size'],
      isolationLevel: properties.get('isolation.level')?.trim() === 'read_committed' ? 1 : 0,
      autoOffsetReset: flags['from-latest'] ? 'latest' : 'earliest',
    }

    const clientId = properties.get('client.id') ?? CLIENT_ID
    const cluster = openCluster(await this.brokerTarget(flags), {
      clientId,
      version: this.config.version,
      properties,
    })
    let consumer: GroupConsumer | undefined
    const status = await startLiveStatus(`Consuming from ${what}…`)
    let ticker: NodeJS.Timeout | undefined
    let perf: ConsumerPerfRun | undefined
    let interrupted = false
    const stop = () => {
      interrupted = true
      perf?.stop()
      consumer?.wakeup()
    }
    process.once('SIGINT', stop)
    let result
    try {
      const topics = include ? await topicsMatching(cluster, include, flags.include!) : [await cluster.topic(flags.topic!, {autoCreate: false})]
      if (!json && !flags['hide-header']) status.print('stdout', consumerHeader(detailed))
      let source: RecordSource
      let rebalance: RebalanceTimer | undefined
      // Like Kafka's pattern subscription, topics created later that match are consumed too.
      const watch = include && new NewTopicWatch(cluster, include, topics, metadataMaxAgeMs)
      if (group) {
        const timer = new RebalanceTimer()
        const member = new GroupConsumer(cluster, {...group, topics: topics.map((topic) => topic.name), fetch: fetchOptions, warn: printWarning, listener: timer})
        consumer = member
        source = {poll: pollingNewTopics(() => member.poll(), watch, (_, all) => member.subscribe(all))}
        rebalance = timer
      } else {
        const fetcher = new Fetcher(cluster, fetchOptions)
        const start = flags['from-latest'] ? ('latest' as const) : ('earliest' as const)
        await fetcher.assign(partitionsOf(topics, start))
        source = {poll: pollingNewTopics(() => fetcher.poll(), watch, (added) => fetcher.assign(partitionsOf(added, start)))}
      }
      const run = new ConsumerPerfRun(source, {
        rebalance,
        messages: wanted,
        timeoutMs: flags.timeout,
        reportingIntervalMs: flags['reporting-interval'],
        onInterval: detailed && !json ? (interval) => status.print('stdout', formatConsumerInterval(interval, formatDate)) : undefined,
      })
      perf = run
      ticker = setInterval(() => status.update(`Consuming from ${what}: ${run.consumed} of ${wanted} messages`), 250)
      result = await run.run()
    } finally {
      clearInterval(ticker)
      process.off('SIGINT', stop)
      status.stop()
      if (consumer) await leaveQuietly(consumer)
      await cluster.close()
    }
    const summary = consumerSummary(result.totals)
    if (result.incomplete && !interrupted)
      process.stderr.write(
        `WARNING: Exiting before consuming the expected number of messages: timeout (${flags.timeout} ms) exceeded. ` +
          'You can use the --timeout option to increase the timeout.\n',
      )
    if (!json && !detailed) process.stdout.write(`${formatConsumerSummary(summary, formatDate)}\n`)
    if (!json && flags['print-metrics']) process.stdout.write(`${formatMetrics(consumerMetrics(clientId, summary, result.totals.bytes))}\n`)
    return summary
  }
}

/** Kafka's fetch manager metrics that this run measures; its rates are over the whole run. */
function consumerMetrics(clientId: string, summary: ConsumerSummary, bytes: number): Metric[] {
  const tags = {'client-id': clientId}
  const seconds = (summary.endTime - summary.startTime) / 1000
  return [
    {group: 'consumer-fetch-manager-metrics', name: 'records-consumed-total', tags, value: summary.messages},
    {group: 'consumer-fetch-manager-metrics', name: 'records-consumed-rate', tags, value: summary.messagesPerSec},
    {group: 'consumer-fetch-manager-metrics', name: 'bytes-consumed-total', tags, value: bytes},
    {group: 'consumer-fetch-manager-metrics', name: 'bytes-consumed-rate', tags, value: seconds > 0 ? bytes / seconds : 0},
  ]
}

/** Commit and leave on the way out; a broker already gone must not hide the measurement. */
async function leaveQuietly(consumer: GroupConsumer): Promise<void> {
  try {
    await consumer.close()
  } catch (error) {
    printWarning(`Leaving group '${consumer.groupId}' failed: ${(error as Error).message}`)
  }
}
