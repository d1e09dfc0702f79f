import {once} from 'node:events'
import {Flags} from '@oclif/core'
import {Fetcher, type StartOffset} from '../src/client/fetcher.js'
import {GroupConsumer} from '../src/client/group-consumer.js'
import type {ConsumedRecord} from '../src/client/types.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {DeserializationError} from '../src/cli/deserializers.js'
import {CliError, UsageError} from '../src/cli/errors.js'
import {groupIdOf, groupOptions} from '../src/cli/group-consumer-config.js'
import {printNote, printWarning} from '../src/cli/output.js'
import {formatterDeserializers, jsonLinesFormatter, type RecordFormatter, textFormatter} from '../src/cli/record-formatter.js'
import {renamedKeyValues, warnRenamedFlags} from '../src/cli/renamed-flags.js'
import {integerProperty} from '../src/cli/numeric-property.js'
import {NewTopicWatch, partitionsOf, pollingNewTopics, topicPattern, topicsMatching} from '../src/cli/topic-pattern.js'
import {readPropertiesFile} from '../src/config/properties.js'
import {ErrorCode, KafkaError} from '../src/protocol/errors.js'

/** How long one Fetch may wait at the broker for new records (Kafka's fetch.max.wait.ms). */
const MAX_WAIT_MS = 500

const RENAMED_FLAGS = {'consumer-property': 'command-property', 'consumer.config': 'command-config', property: 'formatter-property'}

export default class ConsoleConsumer extends KbusCommand {
  static override summary = 'Print records from a topic to stdout (kafka-console-consumer)'
  static override description =
    'Follows the topic until Ctrl-C, --max-messages or --timeout-ms, then prints "Processed a total of N messages" on stderr. ' +
    'Without --from-beginning only new records are printed. --include reads every topic whose name matches a regular expression instead ' +
    'of one --topic; topics created later that match are read too, found every metadata.max.age.ms (Kafka\'s 5 minutes unless set with --command-property). With --group it joins the consumer group as a member: the group shares the partitions, ' +
    'offsets are committed every auto.commit.interval.ms and on exit, and a restart resumes where the group left off (--from-beginning then only applies to partitions without a committed offset). Formatter properties (--formatter-property) follow Kafka\'s DefaultMessageFormatter: ' +
    'print.key, print.value, print.timestamp, print.partition, print.offset, print.headers, print.epoch, key.separator, line.separator, headers.separator, null.literal, and key.deserializer, value.deserializer and headers.deserializer ' +
    "(Kafka's org.apache.kafka.common.serialization classes: String, Long, Integer, Short, Double, Float, Boolean, UUID, Bytes, ByteArray; " +
    'LongDeserializer prints Kafka Streams\' counts). ' +
    'Consumer configs come from --command-config and --command-property (Kafka 4.2\'s names; --consumer.config, --consumer-property ' +
    'and --property still work, with a warning).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning',
    '<%= config.bin %> <%= command.id %> --topic orders --from-beginning --max-messages 10 --formatter-property print.key=true',
    '<%= config.bin %> <%= command.id %> --topic orders --partition 0 --offset 42 --json',
    '<%= config.bin %> <%= command.id %> --topic orders --group billing --from-beginning',
    "<%= config.bin %> <%= command.id %> --include 'orders-.*' --from-beginning",
    '<%= config.bin %> <%= command.id %> --topic streams-wordcount-output --from-beginning --formatter-property print.key=true --value-deserializer org.apache.kafka.common.serialization.LongDeserializer',
  ]

  static override flags = {
    topic: Flags.string({char: 't', summary: 'The topic to read.', exactlyOne: ['topic', 'include']}),
    include: Flags.string({
      summary: 'Read every topic whose whole name matches this regular expression (internal topics aside), new ones included.',
      exactlyOne: ['topic', 'include'],
    }),
    'from-beginning': Flags.boolean({summary: 'Start at the earliest record instead of only new ones.'}),
    group: Flags.string({summary: 'Join this consumer group: share the partitions with its other members and commit offsets.'}),
    partition: Flags.integer({summary: 'Read only this partition.', min: 0}),
    offset: Flags.string({summary: 'With --partition: earliest, latest (default) or an offset to start at.'}),
    'max-messages': Flags.integer({summary: 'Exit after printing this many records.', min: 0}),
    'timeout-ms': Flags.integer({summary: 'Exit when no record arrives for this long.', min: 0}),
    'formatter-property': Flags.string({summary: 'A formatter property, key=value (repeatable).', multiple: true}),
    property: Flags.string({summary: '(Deprecated) A formatter property; use --formatter-property.', multiple: true, exclusive: ['formatter-property']}),
    'formatter-config': Flags.string({summary: 'A properties file of formatter properties (--formatter-property wins).'}),
    'command-property': Flags.string({summary: 'A consumer config, key=value (repeatable); wins over --command-config.', multiple: true}),
    'consumer-property': Flags.string({summary: '(Deprecated) A consumer config; use --command-property.', multiple: true, exclusive: ['command-property']}),
    'consumer.config': Flags.string({summary: '(Deprecated) A consumer config properties file; use --command-config.', exclusive: ['command-config']}),
    'isolation-level': Flags.option({options: ['read_uncommitted', 'read_committed'] as const, summary: 'Which records to read (default read_uncommitted).'})(),
    json: Flags.boolean({summary: 'Print each record as a JSON line (base64 for bytes that are not UTF-8).'}),
    'key-deserializer': Flags.string({summary: "How to print keys: one of Kafka's deserializer classes, e.g. org.apache.kafka.common.serialization.LongDeserializer."}),
    'value-deserializer': Flags.string({summary: "How to print values: one of Kafka's deserializer classes, e.g. org.apache.kafka.common.serialization.LongDeserializer."}),
    'skip-message-on-error': Flags.boolean({summary: 'Skip a record its deserializer cannot read (with an error line) instead of stopping.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ConsoleConsumer)
    warnRenamedFlags(flags, RENAMED_FLAGS)
    const configFile = flags['consumer.config'] ?? flags['command-config']
    const consumerFile = configFile ? await readPropertiesFile(configFile, 'consumer config') : new Map()
    const properties = new Map([...consumerFile, ...renamedKeyValues(flags, 'consumer-property', 'command-property')])
    const start = startOffset(flags, properties.get('auto.offset.reset'))
    const groupId = groupIdOf(flags.group, properties)
    if (groupId !== undefined && flags.partition !== undefined)
      throw new UsageError('Options group and partition cannot be specified together.')
    if (flags.include !== undefined && flags.partition !== undefined) throw new UsageError('The topic is required when partition is specified.')
    // A pattern that is not a regular expression is a usage error before anything connects.
    const include = flags.include === undefined ? undefined : topicPattern(flags.include)
    const metadataMaxAgeMs = integerProperty(properties, 'metadata.max.age.ms', {min: 0})
    // Checked before connecting; the topics themselves are known once the metadata is.
    const group = groupId === undefined ? undefined : groupOptions(groupId, flags.topic === undefined ? [] : [flags.topic], properties)
    const formatter = await this.formatter(flags)
    const isolation = flags['isolation-level'] ?? properties.get('isolation.level') ?? 'read_uncommitted'

    const cluster = openCluster(await this.brokerTarget(flags), {
      clientId: properties.get('client.id') ?? 'console-consumer',
      version: this.config.version,
      properties,
    })
    let processed = 0
    let consuming = false
    let stopping = false
    let groupConsumer: GroupConsumer | undefined
    const stop = () => {
      stopping = true
      // A group member still commits and leaves, so it only stops waiting; without a group,
      // closing ends a Fetch parked at the broker at once instead of after its max wait.
      if (groupConsumer) groupConsumer.wakeup()
      else void cluster.close()
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    try {
      const autoCreate = properties.get('allow.auto.create.topics')?.trim().toLowerCase() !== 'false'
      const topics = include ? await topicsMatching(cluster, include, flags.include!) : [await cluster.topic(flags.topic!, {autoCreate})]
      const partitions = topics[0].partitions.map((p) => p.partition)
      if (flags.partition !== undefined && !partitions.includes(flags.partition))
        throw new KafkaError(
          ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          `Partition ${flags.partition} of topic '${flags.topic}' does not exist (it has ${partitions.length}).`,
        )
      const fetchOptions = {
        maxWaitMs: Math.min(MAX_WAIT_MS, flags['timeout-ms'] ?? MAX_WAIT_MS),
        isolationLevel: isolation === 'read_committed' ? (1 as const) : (0 as const),
        autoOffsetReset: start.reset,
      }
      let poll: () => Promise<ConsumedRecord[]>
      // Kafka's pattern subscription: topics created later that match are read too.
      const watch = include && new NewTopicWatch(cluster, include, topics, metadataMaxAgeMs)
      if (group) {
        const consumer = new GroupConsumer(cluster, {...group, topics: topics.map((each) => each.name), fetch: fetchOptions, warn: printWarning})
        groupConsumer = consumer
        poll = pollingNewTopics(() => consumer.poll(), watch, (_, all) => consumer.subscribe(all))
      } else {
        const fetcher = new Fetcher(cluster, fetchOptions)
        await fetcher.assign(flags.partition === undefined ? partitionsOf(topics, start.offset) : [{topic: topics[0].name, partition: flags.partition, start: start.offset}])
        // A new topic starts where auto.offset.reset says (no --partition or --offset goes with --include).
        const newStart = start.reset === 'earliest' ? ('earliest' as const) : ('latest' as const)
        poll = pollingNewTopics(() => fetcher.poll(), watch, (added) => fetcher.assign(partitionsOf(added, newStart)))
      }

      consuming = true
      const limit = flags['max-messages']
      let lastRecordAt = Date.now()
      while (!stopping && (limit === undefined || processed < limit)) {
        const records = await poll()
        if (records.length === 0) {
          if (flags['timeout-ms'] !== undefined && Date.now() - lastRecordAt >= flags['timeout-ms']) break
          continue
        }
        lastRecordAt = Date.now()
        const take = limit === undefined ? records.length : Math.min(records.length, limit - processed)
        const out: Buffer[] = []
        let failure: DeserializationError | undefined
        let index = 0
        // As Kafka's tool does, a record that fails to print still counts as processed.
        for (; index < take && !failure; index++) failure = formatInto(formatter, records[index], out, flags['skip-message-on-error'])
        processed += index
        // As Kafka's tool does: the group's next commit must not pass records never printed.
        if (groupConsumer) for (const first of firstUnprinted(records, index)) groupConsumer.seek(first.topic, first.partition, first.offset)
        if (!process.stdout.write(Buffer.concat(out))) await once(process.stdout, 'drain')
        if (failure)
          throw new CliError(`Error processing message, terminating consumer process: ${failure.message} (${recordPlace(records[index - 1])})`, {
            hint: 'Pass a deserializer that fits the data, or --skip-message-on-error to print an error line for such records and go on.',
          })
      }
    } catch (error) {
      if (!stopping) throw error
    } finally {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      if (groupConsumer) await closeQuietly(groupConsumer)
      await cluster.close()
      // Kafka prints this whenever consuming ends; a setup error (no such topic) is one line alone.
      if (consuming || stopping) printNote(`Processed a total of ${processed} messages`)
    }
  }

  private async formatter(flags: FormatterFlags): Promise<RecordFormatter> {
    const file = flags['formatter-config'] ? await readPropertiesFile(flags['formatter-config'], 'formatter config') : new Map()
    const properties = new Map([...file, ...renamedKeyValues(flags, 'property', 'formatter-property')])
    // Kafka puts these two flags into the formatter properties, over any given there.
    if (flags['key-deserializer']) properties.set('key.deserializer', flags['key-deserializer'])
    if (flags['value-deserializer']) properties.set('value.deserializer', flags['value-deserializer'])
    if (flags.json) return jsonLinesFormatter(formatterDeserializers(properties, printWarning))
    return textFormatter(properties, printWarning)
  }
}

interface FormatterFlags {
  json: boolean
  property?: string[]
  'formatter-property'?: string[]
  'formatter-config'?: string
  'key-deserializer'?: string
  'value-deserializer'?: string
}

/**
 * Formats one record into `out`; returns the DeserializationError that stops the consumer, or
 * undefined. With `skip`, that error is reported on stderr and the record left out.
 */
function formatInto(formatter: RecordFormatter, record: ConsumedRecord, out: Buffer[], skip: boolean): DeserializationError | undefined {
  try {
    formatter.format(record, out)
  } catch (error) {
    if (!(error instanceof DeserializationError)) throw error
    if (!skip) return error
    printWarning(`Error processing message, skipping this message: ${error.message} (${recordPlace(record)})`)
  }
  return undefined
}

function recordPlace(record: ConsumedRecord): string {
  return `offset ${record.offset} of ${record.topic}-${record.partition}`
}

/** Per partition, the first record of `records` past the first `printed` ones. */
function firstUnprinted(records: ConsumedRecord[], printed: number): ConsumedRecord[] {
  const seen = new Set<string>()
  const first: ConsumedRecord[] = []
  for (const record of records.slice(printed)) {
    const key = `${record.topic}\0${record.partition}`
    if (!seen.has(key)) {
      seen.add(key)
      first.push(record)
    }
  }
  return first
}

/** Commit and leave on the way out; a broker already gone must not hide how many records were printed. */
async function closeQuietly(consumer: GroupConsumer): Promise<void> {
  try {
    await consumer.close()
  } catch (error) {
    printWarning(`Leaving group '${consumer.groupId}' failed: ${(error as Error).message}`)
  }
}

/** Kafka's rules for --partition, --offset and --from-beginning, with its error texts. */
function startOffset(
  flags: {partition?: number; offset?: string; 'from-beginning': boolean},
  autoOffsetReset: string | undefined,
): {offset: StartOffset; reset: 'earliest' | 'latest' | 'none'} {
  const reset = autoOffsetReset?.trim().toLowerCase()
  if (reset !== undefined && reset !== 'earliest' && reset !== 'latest' && reset !== 'none')
    throw new UsageError(`Invalid value ${autoOffsetReset} for configuration auto.offset.reset: String must be one of: latest, earliest, none`)
  if (flags['from-beginning'] && reset === 'latest')
    throw new UsageError("Can't simultaneously specify --from-beginning and 'auto.offset.reset=latest', please remove one option")
  if (flags.offset !== undefined && flags.partition === undefined)
    throw new UsageError('The partition is required when offset is specified.')
  if (flags.offset !== undefined && flags['from-beginning'])
    throw new UsageError('Options from-beginning and offset cannot be specified together.')
  const policy = flags['from-beginning'] ? 'earliest' : (reset ?? 'latest')
  if (flags.offset === undefined) return {offset: policy === 'earliest' ? 'earliest' : 'latest', reset: policy}
  const text = flags.offset.trim().toLowerCase()
  if (text === 'earliest' || text === 'latest') return {offset: text, reset: policy}
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`The provided offset value '${flags.offset}' is incorrect. Valid values are 'earliest', 'latest', or a non-negative long.`)
  return {offset: Number(text), reset: policy}
}
