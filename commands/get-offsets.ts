import {Flags} from '@oclif/core'
import {Admin, type TopicPartitionRef} from '../src/client/admin.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {CliError, UsageError} from '../src/cli/errors.js'
import {
  compareAsKafkaPrints,
  type PartitionFilter,
  parseTimeSpec,
  topicAndPartitionsFilter,
  topicPartitionsFilter,
} from '../src/cli/offset-args.js'
import {printNote} from '../src/cli/output.js'

export interface PartitionOffsetJson {
  topic: string
  partition: number
  offset: number
}

export default class GetOffsets extends KbusCommand {
  static override summary = 'Print partition offsets as topic:partition:offset (kafka-get-offsets)'
  static override description =
    '--time -1/latest gives the end of each partition (the next offset to be written), -2/earliest its first offset, ' +
    '-3/max-timestamp the record with the largest timestamp, and a time in ms the first offset whose timestamp is at or after it. ' +
    'Partitions with no such record are left out. --topic is a regular expression matching whole names, as in Kafka.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders',
    '<%= config.bin %> <%= command.id %> --topic orders --partitions 0,1 --time earliest',
    "<%= config.bin %> <%= command.id %> --topic-partitions 'orders:0-3,audit' --time 1717171717000",
    '<%= config.bin %> <%= command.id %> --topic orders --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'Topic(s) to query: a regular expression (default: every topic).'}),
    partitions: Flags.string({summary: 'Comma-separated partition ids (default: every partition).'}),
    'topic-partitions': Flags.string({
      summary: "Topic-partition patterns, e.g. 'topic1:1,topic2:0-3,topic3,topic4:5-,topic5:-3' (ranges exclude their upper end).",
    }),
    time: Flags.string({summary: '-1 or latest, -2 or earliest, -3 or max-timestamp, or a timestamp in ms.', default: 'latest'}),
    'exclude-internal-topics': Flags.boolean({summary: 'Leave out internal topics such as __consumer_offsets.'}),
  }

  async run(): Promise<PartitionOffsetJson[]> {
    const {flags} = await this.parse(GetOffsets)
    if (flags['topic-partitions'] !== undefined && (flags.topic !== undefined || flags.partitions !== undefined))
      throw new UsageError('--topic-partitions cannot be used with --topic or --partitions')
    const query = parseTimeSpec(flags.time)
    const filter =
      flags['topic-partitions'] !== undefined
        ? topicPartitionsFilter(flags['topic-partitions'])
        : topicAndPartitionsFilter(flags.topic, flags.partitions)
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'GetOffsetShell', version: this.config.version})
    try {
      const admin = new Admin(cluster)
      const partitions = await matchingPartitions(admin, filter, !flags['exclude-internal-topics'])
      if (partitions.length === 0) throw new CliError('Could not match any topic-partitions with the specified filters')
      const found: PartitionOffsetJson[] = []
      for (const result of await admin.listOffsets(partitions, query)) {
        if (result.error) printNote(`Skip getting offsets for topic-partition ${result.topic}-${result.partition} due to error: ${result.error.message}`)
        else if (result.offset >= 0) found.push({topic: result.topic, partition: result.partition, offset: result.offset})
      }
      found.sort(compareAsKafkaPrints)
      for (const entry of found) this.log(`${entry.topic}:${entry.partition}:${entry.offset}`)
      return found
    } finally {
      await cluster.close()
    }
  }
}

async function matchingPartitions(admin: Admin, filter: PartitionFilter, includeInternal: boolean): Promise<TopicPartitionRef[]> {
  const topics = (await admin.listTopics({includeInternal})).filter((topic) => filter.topicAllowed(topic))
  if (topics.length === 0) return []
  const described = await admin.describeTopics(topics)
  return described
    .filter((topic) => !topic.error)
    .flatMap((topic) => topic.partitions.map((p) => ({topic: topic.name, partition: p.partition})))
    .filter((p) => filter.partitionAllowed(p))
}
