import {randomUUID} from 'node:crypto'
import {resolve} from 'node:path'
import {Flags} from '@oclif/core'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {CliError, UsageError} from '../src/cli/errors.js'
import {formatMetrics} from '../src/cli/perf-metrics.js'
import {
  monotonicPayloads,
  type PayloadSource,
  payloadDelimiter,
  pickedPayloads,
  randomPayloads,
  readPayloadFile,
} from '../src/cli/perf-payloads.js'
import {ProducerPerfRun} from '../src/cli/perf-producer.js'
import {startLiveStatus} from '../src/cli/perf-progress.js'
import {formatProducerSummary, formatProducerWindow, type ProducerSummary} from '../src/cli/perf-stats.js'
import {producerOptions} from '../src/cli/producer-config.js'
import {renamedKeyValues, warnRenamedFlags} from '../src/cli/renamed-flags.js'
import {readPropertiesFile} from '../src/config/properties.js'

const CLIENT_ID = 'perf-producer-client'
/** Kafka's ProducerPerformance commits every 3 s when transactional and no duration is given. */
const DEFAULT_TRANSACTION_DURATION_MS = 3_000

const RENAMED_FLAGS = {'producer-props': 'command-property', 'producer.config': 'command-config'}

export default class ProducerPerfTest extends KbusCommand {
  static override summary = 'Measure producer throughput and latency (kafka-producer-perf-test)'
  static override description =
    'Sends --num-records records of --record-size random bytes (or payloads from --payload-file) as fast as --throughput allows, ' +
    'printing Kafka\'s progress line every 5 seconds and its summary line at the end: records/sec, MB/sec (1024×1024 bytes) and ' +
    'per-record latency from send to acknowledgement in whole milliseconds, with the 50th, 95th, 99th and 99.9th percentiles. ' +
    'Producer configs (acks, linger.ms, batch.size, compression.type, …) come from --command-property and --command-config ' +
    '(Kafka 4.2\'s names; --producer-props and --producer.config still work, with a warning); ' +
    'without bootstrap.servers or --bootstrap-server it measures the local kbus broker. With --transactional-id or ' +
    '--transaction-duration-ms the records go out in transactions, each committed once it is that old, as Kafka\'s tool does.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 1000000 --record-size 100 --throughput -1',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --record-size 1024 --throughput 10000 --command-property acks=1 linger.ms=10',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 50000 --payload-file events.txt --throughput -1 --command-property bootstrap.servers=kafka:9092',
    '<%= config.bin %> <%= command.id %> --topic perf --num-records 100000 --record-size 100 --throughput -1 --transactional-id perf-tx --transaction-duration-ms 500',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({summary: 'Produce records to this topic.', required: true}),
    'num-records': Flags.integer({summary: 'How many records to send.', required: true, min: 1}),
    'record-size': Flags.integer({summary: 'Record size in bytes (random A-Z). One of --record-size, --payload-file, --payload-monotonic.', min: 1}),
    'payload-file': Flags.string({summary: 'Send payloads picked at random from this UTF-8 file, split at --payload-delimiter.'}),
    'payload-delimiter': Flags.string({summary: 'What separates the payloads in --payload-file (default: a newline, written \\n).'}),
    'payload-monotonic': Flags.boolean({summary: 'Send the record number (0, 1, 2, …) as the payload.'}),
    throughput: Flags.string({summary: 'Send at most this many records per second on average; -1 for no limit.', required: true}),
    'command-property': Flags.string({summary: 'Producer configs as key=value pairs, several after one flag (they win over --command-config).', multiple: true}),
    'producer-props': Flags.string({summary: '(Deprecated) Producer configs as key=value pairs; use --command-property.', multiple: true, exclusive: ['command-property']}),
    'producer.config': Flags.string({summary: '(Deprecated) A producer config properties file; use --command-config.', exclusive: ['command-config']}),
    'print-metrics': Flags.boolean({summary: 'Print the producer metrics kbus measures at the end, in Kafka\'s layout.'}),
    'warmup-records': Flags.integer({
      summary: 'Leave the first N records out of a second, steady-state summary line printed after the usual one.',
      default: 0,
      min: 0,
    }),
    'reporting-interval': Flags.integer({summary: 'Milliseconds between progress lines.', default: 5_000, min: 1}),
    'transactional-id': Flags.string({
      summary: 'Send inside transactions of this transactional id (wins over a transactional.id among the producer configs).',
    }),
    'transaction-duration-ms': Flags.integer({
      summary: 'Commit the open transaction once it is this old and start the next (default 3000 when transactional); given alone, it turns transactions on.',
    }),
  }

  async run(): Promise<ProducerSummary & {steadyState?: ProducerSummary}> {
    const {flags} = await this.parse(ProducerPerfTest)
    const json = this.jsonEnabled()
    const throughput = throughputOf(flags.throughput)
    const warmupRecords = flags['warmup-records']
    if (warmupRecords >= flags['num-records'])
      throw new UsageError('The value for --warmup-records must be strictly fewer than the number of records in the test, --num-records.')
    warnRenamedFlags(flags, RENAMED_FLAGS)
    const configFile = flags['producer.config'] ?? flags['command-config']
    const fileProperties = configFile ? await readPropertiesFile(configFile, 'producer config') : new Map()
    const properties = new Map([...fileProperties, ...renamedKeyValues(flags, 'producer-props', 'command-property')])
    const transactionDurationMs = transactionsOf(flags, properties)
    const options = producerOptions(properties)
    // Data on stdout; under --json the only data is the final object.
    const dataStream = json ? 'stderr' : 'stdout'
    const payload = await this.payloadSource(flags, (line) => process[dataStream].write(`${line}\n`))

    const clientId = properties.get('client.id') ?? CLIENT_ID
    const cluster = openCluster(await this.brokerTarget(flags), {clientId, version: this.config.version, properties})
    const status = await startLiveStatus(`Producing to ${flags.topic}…`)
    if (warmupRecords > 0)
      status.print(dataStream, `Warmup first ${warmupRecords} records. Steady state results will print after the complete test summary.`)
    const perf = new ProducerPerfRun(cluster, options, {
      topic: flags.topic,
      numRecords: flags['num-records'],
      payload,
      throughput,
      warmupRecords,
      reportingIntervalMs: flags['reporting-interval'],
      transactionDurationMs,
      onWindow: (window) => status.print(dataStream, formatProducerWindow(window)),
      onSteadyState: () => status.print(dataStream, 'In steady state.'),
    })
    const ticker = setInterval(() => {
      const {sent, acknowledged} = perf.progress
      status.update(`Producing to ${flags.topic}: ${sent} of ${flags['num-records']} records sent, ${acknowledged} acknowledged`)
    }, 250)
    const stop = () => perf.stop()
    process.once('SIGINT', stop)
    let result
    try {
      result = await perf.run()
    } finally {
      clearInterval(ticker)
      process.off('SIGINT', stop)
      status.stop()
      await cluster.close()
    }
    const {summary, steadyState, failure} = result
    if (!json) {
      process.stdout.write(`${formatProducerSummary(summary)}\n`)
      if (steadyState) process.stdout.write(`${formatProducerSummary(steadyState, 'steady state records')}\n`)
      if (flags['print-metrics']) process.stdout.write(`${formatMetrics(producerMetrics(clientId, summary, failure?.failedRecords ?? 0))}\n`)
    }
    if (failure)
      throw new CliError(
        `${failure.failedRecords} of ${result.sent} records could not be delivered to topic '${flags.topic}': ${failure.firstError.message}`,
      )
    return steadyState ? {...summary, steadyState} : summary
  }

  private async payloadSource(
    flags: {'record-size'?: number; 'payload-file'?: string; 'payload-delimiter'?: string; 'payload-monotonic'?: boolean; 'num-records': number},
    note: (line: string) => void,
  ): Promise<PayloadSource> {
    const given = [
      flags['record-size'] !== undefined && '--record-size',
      flags['payload-file'] !== undefined && '--payload-file',
      flags['payload-monotonic'] && '--payload-monotonic',
    ].filter((name): name is string => typeof name === 'string')
    if (given.length === 0)
      throw new UsageError('One of --record-size, --payload-file or --payload-monotonic is required.', 'For example: --record-size 100.')
    if (given.length > 1) throw new UsageError(`${given[0]} and ${given[1]} cannot be used together: pick one payload source.`)
    if (flags['record-size'] !== undefined) return randomPayloads(flags['record-size'], flags['num-records'])
    if (flags['payload-monotonic']) return monotonicPayloads
    const path = resolve(flags['payload-file']!)
    note(`Reading payloads from: ${path}`)
    const payloads = await readPayloadFile(path, payloadDelimiter(flags['payload-delimiter']))
    note(`Number of messages read: ${payloads.length}`)
    return pickedPayloads(payloads)
  }
}

/**
 * Kafka's rules: --transaction-duration-ms, --transactional-id or a transactional.id among the
 * producer configs turns transactions on; the flag's id wins, else the configs', else
 * performance-producer-<uuid>; the duration defaults to 3000 ms. Sets transactional.id in
 * `properties`; returns the duration, or undefined without transactions.
 */
function transactionsOf(flags: {'transactional-id'?: string; 'transaction-duration-ms'?: number}, properties: Map<string, string>): number | undefined {
  const duration = flags['transaction-duration-ms']
  if (duration !== undefined && duration <= 0) throw new UsageError('--transaction-duration-ms should be greater than zero')
  const id = flags['transactional-id'] ?? properties.get('transactional.id')
  if (duration === undefined && id === undefined) return undefined
  properties.set('transactional.id', id ?? `performance-producer-${randomUUID()}`)
  return duration ?? DEFAULT_TRANSACTION_DURATION_MS
}

/** --throughput: records per second, a decimal like Kafka's; any negative value means no limit. */
function throughputOf(text: string): number {
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isFinite(value))
    throw new UsageError(`Invalid --throughput '${text}': expected records per second, or -1 for no limit.`)
  if (value === 0) throw new UsageError('--throughput 0 would never send: give records per second, or -1 for no limit.')
  return value
}

function producerMetrics(clientId: string, summary: ProducerSummary, failed: number) {
  const tags = {'client-id': clientId}
  return [
    {group: 'producer-metrics', name: 'record-send-total', tags, value: summary.records},
    {group: 'producer-metrics', name: 'record-send-rate', tags, value: summary.recordsPerSec},
    {group: 'producer-metrics', name: 'record-error-total', tags, value: failed},
  ]
}
