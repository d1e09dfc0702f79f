import {Args, Flags} from '@oclif/core'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {UsageError} from '../src/cli/errors.js'
import {javaDouble} from '../src/cli/perf-format.js'
import {EndToEndLatencyRun, type LatencySummary} from '../src/cli/perf-latency.js'
import {startLiveStatus} from '../src/cli/perf-progress.js'

const USAGE = 'Give either broker_list topic num_messages producer_acks message_size_bytes [properties_file], or --topic and --num-messages.'

export default class EndToEndLatency extends KbusCommand {
  static override summary = 'Measure the produce-to-consume round trip of single records (Kafka\'s EndToEndLatency)'
  static override description =
    'Sends one record, waits for its acknowledgement, reads it back from the end of the topic, and repeats. ' +
    'Prints the round trip of every 1000th record, then the average and the 50th, 99th and 99.9th percentiles in milliseconds. ' +
    'Takes Kafka\'s positional arguments (broker_list topic num_messages producer_acks message_size_bytes [properties_file]) ' +
    'or flags, which default to the local kbus broker. A missing topic is created with one partition.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic latency --num-messages 10000',
    '<%= config.bin %> <%= command.id %> --topic latency --num-messages 10000 --producer-acks all --message-size 1024',
    '<%= config.bin %> <%= command.id %> localhost:9092 latency 10000 1 100',
  ]

  static override enableJsonFlag = true

  static override args = {
    broker_list: Args.string({description: 'Bootstrap servers, host:port[,host:port].', ignoreStdin: true}),
    topic: Args.string({description: 'The topic to produce to and consume from.', ignoreStdin: true}),
    num_messages: Args.string({description: 'How many records to send.', ignoreStdin: true}),
    producer_acks: Args.string({description: '1 or all.', ignoreStdin: true}),
    message_size_bytes: Args.string({description: 'Size of each record in bytes.', ignoreStdin: true}),
    properties_file: Args.string({description: 'Client properties file for the producer and the consumer.', ignoreStdin: true}),
  }

  static override flags = {
    topic: Flags.string({summary: 'The topic to produce to and consume from.'}),
    'num-messages': Flags.integer({summary: 'How many records to send.', min: 1}),
    'producer-acks': Flags.string({summary: '1 or all (default 1).'}),
    'message-size': Flags.integer({summary: 'Size of each record in bytes (default 100).', min: 0}),
  }

  async run(): Promise<LatencySummary> {
    const {args, flags} = await this.parse(EndToEndLatency)
    const settings = settingsOf(args, flags)
    const json = this.jsonEnabled()
    const dataStream = json ? 'stderr' : 'stdout'
    const target = await this.brokerTarget({
      'bootstrap-server': settings.brokerList ?? flags['bootstrap-server'],
      'command-config': settings.propertiesFile ?? flags['command-config'],
    })
    const cluster = openCluster(target, {clientId: 'end-to-end-latency', version: this.config.version})
    const status = await startLiveStatus(`Round trips through ${settings.topic}…`)
    const latency = new EndToEndLatencyRun(cluster, {
      topic: settings.topic,
      numMessages: settings.numMessages,
      messageSize: settings.messageSize,
      acks: settings.acks,
      onProgress: (index, elapsedMs) => status.print(dataStream, `${index}\t${javaDouble(elapsedMs)}`),
      onCreateTopic: (topic) =>
        status.print(dataStream, `Topic "${topic}" does not exist. Will create topic with 1 partition(s) and replication factor = 1`),
    })
    const ticker = setInterval(() => status.update(`Round trips through ${settings.topic}: ${latency.completed} of ${settings.numMessages}`), 250)
    const stop = () => latency.stop()
    process.once('SIGINT', stop)
    let summary: LatencySummary
    try {
      summary = await latency.run()
    } finally {
      clearInterval(ticker)
      process.off('SIGINT', stop)
      status.stop()
      await cluster.close()
    }
    if (!json) {
      const {p50, p99, p999} = summary.latencyPercentilesMs
      process.stdout.write(`Avg latency: ${summary.avgLatencyMs.toFixed(4)} ms\n`)
      process.stdout.write(`Percentiles: 50th = ${p50}, 99th = ${p99}, 99.9th = ${p999}\n`)
    }
    return summary
  }
}

interface LatencySettings {
  brokerList?: string
  topic: string
  numMessages: number
  acks: -1 | 1
  messageSize: number
  propertiesFile?: string
}

/** Kafka's positional form, or kbus's flags; never a mix of the two. */
function settingsOf(
  args: Record<string, string | undefined>,
  flags: {topic?: string; 'num-messages'?: number; 'producer-acks'?: string; 'message-size'?: number},
): LatencySettings {
  const positional = Object.values(args).filter((value) => value !== undefined)
  if (positional.length > 0) {
    if (positional.length < 5) throw new UsageError(`Expected 5 or 6 arguments, got ${positional.length}.`, USAGE)
    const named = ['topic', 'num-messages', 'producer-acks', 'message-size'].filter((name) => flags[name as keyof typeof flags] !== undefined)
    if (named.length > 0) throw new UsageError(`--${named[0]} cannot be combined with the positional arguments.`, USAGE)
    return {
      brokerList: args.broker_list,
      topic: args.topic!,
      numMessages: positiveInteger(args.num_messages!, 'num_messages', 1),
      acks: acksOf(args.producer_acks!),
      messageSize: positiveInteger(args.message_size_bytes!, 'message_size_bytes', 0),
      propertiesFile: args.properties_file?.trim() || undefined,
    }
  }
  if (flags.topic === undefined || flags['num-messages'] === undefined)
    throw new UsageError(`Missing ${flags.topic === undefined ? '--topic' : '--num-messages'}.`, USAGE)
  return {
    topic: flags.topic,
    numMessages: flags['num-messages'],
    acks: acksOf(flags['producer-acks'] ?? '1'),
    messageSize: flags['message-size'] ?? 100,
  }
}

function positiveInteger(text: string, name: string, min: number): number {
  const value = Number(text)
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min)
    throw new UsageError(`Invalid ${name} '${text}': expected a whole number of at least ${min}.`, USAGE)
  return value
}

function acksOf(text: string): -1 | 1 {
  if (text === '1') return 1
  if (text === 'all') return -1
  throw new UsageError('Latency testing requires synchronous acknowledgement. Please use 1 or all')
}
