import {Flags} from '@oclif/core'
import {ProduceError, Producer} from '../src/client/producer.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {CliError} from '../src/cli/errors.js'
import {LineMessageReader, LineSplitter} from '../src/cli/line-reader.js'
import {mergeProducerProperties, producerOptions, refuseTransactionalId} from '../src/cli/producer-config.js'
import {renamedKeyValues, warnRenamedFlags} from '../src/cli/renamed-flags.js'
import {readPropertiesFile} from '../src/config/properties.js'
import {ErrorCode} from '../src/protocol/errors.js'

const RENAMED_FLAGS = {'producer-property': 'command-property', 'producer.config': 'command-config', property: 'reader-property'}

export default class ConsoleProducer extends KbusCommand {
  static override summary = 'Send lines from stdin to a topic, one record per line (kafka-console-producer)'
  static override description =
    'Reads stdin until end of input (Ctrl-D) and exits 0 only when every record was acknowledged. ' +
    'On a terminal each line is prompted with `>`. Reader properties (--reader-property) follow Kafka\'s LineMessageReader: ' +
    'parse.key, key.separator, parse.headers, headers.delimiter, headers.separator, headers.key.separator, null.marker, ignore.error. ' +
    'Producer configs come from --command-config and --command-property (Kafka 4.2\'s names; --producer.config, --producer-property ' +
    'and --property still work, with a warning).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders',
    "printf 'k1:v1\\nk2:v2\\n' | <%= config.bin %> <%= command.id %> --topic orders --reader-property parse.key=true --reader-property key.separator=:",
    '<%= config.bin %> <%= command.id %> --topic orders --bootstrap-server kafka:9092 --request-required-acks 1 < events.txt',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'The topic to produce to.', required: true}),
    'reader-property': Flags.string({summary: 'A line reader property, key=value (repeatable).', multiple: true}),
    property: Flags.string({summary: '(Deprecated) A line reader property; use --reader-property.', multiple: true, exclusive: ['reader-property']}),
    'reader-config': Flags.string({summary: 'A properties file of line reader properties (--reader-property wins).'}),
    'command-property': Flags.string({summary: 'A producer config, key=value (repeatable); wins over --command-config.', multiple: true}),
    'producer-property': Flags.string({summary: '(Deprecated) A producer config; use --command-property.', multiple: true, exclusive: ['command-property']}),
    'producer.config': Flags.string({summary: '(Deprecated) A producer config properties file; use --command-config.', exclusive: ['command-config']}),
    'request-required-acks': Flags.string({summary: 'acks: -1/all (default), 1 or 0.'}),
    'compression-codec': Flags.string({summary: 'none (default), gzip, snappy, lz4 or zstd; given without a value it means gzip.'}),
    'batch-size': Flags.integer({summary: 'batch.size in bytes (default 16384).', min: 0}),
    'max-partition-memory-bytes': Flags.integer({summary: 'batch.size too; wins over --batch-size.', min: 0}),
    'message-send-max-retries': Flags.integer({summary: 'retries (default 3).', min: 0}),
    'retry-backoff-ms': Flags.integer({summary: 'retry.backoff.ms (default 100).', min: 0}),
    timeout: Flags.integer({summary: 'linger.ms: how long a batch may wait for more lines (default 1000).', min: 0}),
    'request-timeout-ms': Flags.integer({summary: 'request.timeout.ms (default 1500).', min: 0}),
    'max-memory-bytes': Flags.integer({summary: 'buffer.memory (default 33554432).', min: 0}),
    sync: Flags.boolean({summary: 'Send each line on its own and wait for it to be acknowledged.'}),
  }

  async run(): Promise<{topic: string; records: number}> {
    const {flags} = await this.parse(ConsoleProducer, withCodecDefault(this.argv))
    warnRenamedFlags(flags, RENAMED_FLAGS)
    const configFile = flags['producer.config'] ?? flags['command-config']
    const fileProperties = configFile ? await readPropertiesFile(configFile, 'producer config') : new Map()
    const commandProperties = renamedKeyValues(flags, 'producer-property', 'command-property')
    const properties = mergeProducerProperties(new Map([...fileProperties, ...commandProperties]), shortcuts(flags))
    const readerFile = flags['reader-config'] ? await readPropertiesFile(flags['reader-config'], 'reader config') : new Map()
    const reader = new LineMessageReader(new Map([...readerFile, ...renamedKeyValues(flags, 'property', 'reader-property')]))
    refuseTransactionalId(properties)
    const options = producerOptions(properties)

    const cluster = openCluster(await this.brokerTarget(flags), {
      clientId: properties.get('client.id') ?? 'console-producer',
      version: this.config.version,
      properties,
    })
    try {
      const producer = new Producer(cluster, options)
      await producer.prepare(flags.topic)
      const records = await this.pipe(producer, reader, flags.topic, flags.sync)
      return {topic: flags.topic, records}
    } catch (error) {
      throw error instanceof ProduceError ? deliveryFailure(error, flags.topic) : error
    } finally {
      await cluster.close()
    }
  }

  /** Reads stdin line by line into the producer; returns how many records were delivered. */
  private async pipe(producer: Producer, reader: LineMessageReader, topic: string, sync: boolean): Promise<number> {
    const stdin = process.stdin
    const interactive = stdin.isTTY === true
    const prompt = () => interactive && process.stderr.write('>')
    let interrupted = false
    const interrupt = () => {
      interrupted = true
      stdin.destroy()
    }
    process.once('SIGINT', interrupt)
    const splitter = new LineSplitter()
    let lineNumber = 0
    let pending: Buffer[] = []
    const onLine = sync
      ? (line: Buffer) => pending.push(line)
      : (line: Buffer) => {
          const {key, value, headers} = reader.parse(line, ++lineNumber)
          producer.send({topic, key, value, headers})
          prompt()
        }
    const sendOneByOne = async () => {
      for (const line of pending) {
        const {key, value, headers} = reader.parse(line, ++lineNumber)
        producer.send({topic, key, value, headers})
        await producer.flush()
        prompt()
      }
      pending = []
    }
    let inputError: unknown
    try {
      prompt()
      for await (const chunk of stdin) {
        splitter.push(chunk as Buffer, onLine)
        if (sync) await sendOneByOne()
        if (producer.needsDrain) await producer.whenCapacity()
      }
      splitter.end(onLine)
      if (sync) await sendOneByOne()
    } catch (error) {
      // Ctrl-C ends the input like Ctrl-D does; anything else (a malformed line) is reported
      // after what was already sent has been delivered.
      if (!interrupted) inputError = error
    } finally {
      process.off('SIGINT', interrupt)
    }
    if (interactive) process.stderr.write('\n')
    try {
      await producer.flush()
    } catch (error) {
      if (inputError === undefined) throw error
    }
    if (inputError !== undefined) throw inputError
    return producer.delivered
  }
}

/** The shortcut flags the user typed, as Kafka producer config names. */
function shortcuts(flags: {
  'request-required-acks'?: string
  'compression-codec'?: string
  'batch-size'?: number
  'max-partition-memory-bytes'?: number
  'message-send-max-retries'?: number
  'retry-backoff-ms'?: number
  timeout?: number
  'request-timeout-ms'?: number
  'max-memory-bytes'?: number
}): Map<string, string> {
  const explicit = new Map<string, string>()
  const set = (name: string, value: string | number | undefined) => value !== undefined && explicit.set(name, String(value))
  set('acks', flags['request-required-acks'])
  // Kafka always passes the codec (default none), overriding compression.type.
  explicit.set('compression.type', flags['compression-codec'] ?? 'none')
  set('batch.size', flags['max-partition-memory-bytes'] ?? flags['batch-size'])
  set('retries', flags['message-send-max-retries'])
  set('retry.backoff.ms', flags['retry-backoff-ms'])
  set('linger.ms', flags.timeout)
  set('request.timeout.ms', flags['request-timeout-ms'])
  set('buffer.memory', flags['max-memory-bytes'])
  return explicit
}

/** Kafka's `--compression-codec` alone means gzip; oclif needs the value spelled out. */
function withCodecDefault(argv: string[]): string[] {
  const result: string[] = []
  argv.forEach((arg, index) => {
    result.push(arg)
    const next = argv[index + 1]
    if (arg === '--compression-codec' && (next === undefined || next.startsWith('-'))) result.push('gzip')
  })
  return result
}

function deliveryFailure(error: ProduceError, topic: string): CliError {
  const count = error.failedRecords === 1 ? '1 record' : `${error.failedRecords} records`
  const tooLarge = error.code === ErrorCode.MESSAGE_TOO_LARGE
  return new CliError(
    `${count} could not be delivered to topic '${topic}' (first: line ${error.firstFailedRecord}): ${error.firstError.message}`,
    {
      hint: tooLarge
        ? "Send smaller records, or raise the topic's max.message.bytes (the broker's message.max.bytes)."
        : undefined,
    },
  )
}
