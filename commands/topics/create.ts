import {Flags} from '@oclif/core'
import {Admin} from '../../src/client/admin.js'
import {ZERO_TOPIC_ID} from '../../src/client/cluster.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {UsageError} from '../../src/cli/errors.js'
import {printWarning} from '../../src/cli/output.js'
import {ErrorCode} from '../../src/protocol/errors.js'

export interface CreateTopicResult {
  topic: string
  created: boolean
  topicId: string | null
  partitions: number | null
  replicationFactor: number | null
}

export default class TopicsCreate extends KbusCommand {
  static override summary = 'Create a topic (kafka-topics --create)'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --partitions 3',
    '<%= config.bin %> <%= command.id %> --topic audit --config retention.ms=86400000 --config cleanup.policy=compact',
    '<%= config.bin %> <%= command.id %> --topic orders --if-not-exists --bootstrap-server kafka:9092',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'Name of the topic to create.', required: true}),
    partitions: Flags.integer({summary: "Number of partitions (default: the broker's num.partitions).", min: 1}),
    'replication-factor': Flags.integer({
      summary: "Replication factor (default: the broker's default.replication.factor).",
      min: 1,
      max: 32767,
    }),
    config: Flags.string({summary: 'A topic config override, name=value (repeatable).', multiple: true}),
    'if-not-exists': Flags.boolean({summary: 'Do nothing, successfully, if the topic already exists.'}),
    'validate-only': Flags.boolean({summary: 'Ask the broker to check the request without creating anything.'}),
  }

  async run(): Promise<CreateTopicResult> {
    const {flags} = await this.parse(TopicsCreate)
    const configs = topicConfigs(flags.config)
    const name = flags.topic
    if (/[._]/.test(name))
      printWarning(
        "Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.",
      )
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const [result] = await new Admin(cluster).createTopics(
        [{name, partitions: flags.partitions, replicationFactor: flags['replication-factor'], configs}],
        {validateOnly: flags['validate-only']},
      )
      if (result.error?.code === ErrorCode.TOPIC_ALREADY_EXISTS && flags['if-not-exists'])
        return {topic: name, created: false, topicId: null, partitions: null, replicationFactor: null}
      if (result.error) throw result.error
      if (!flags['validate-only']) this.log(`Created topic ${name}.`)
      return {
        topic: name,
        created: !flags['validate-only'],
        topicId: result.topicId === ZERO_TOPIC_ID ? null : result.topicId,
        partitions: result.partitions >= 0 ? result.partitions : (flags.partitions ?? null),
        replicationFactor: result.replicationFactor >= 0 ? result.replicationFactor : (flags['replication-factor'] ?? null),
      }
    } finally {
      await cluster.close()
    }
  }
}

/** Kafka's `--config k=v`: split at the first `=`, spaces around it trimmed. */
function topicConfigs(args: string[] | undefined): Map<string, string> {
  const configs = new Map<string, string>()
  for (const arg of args ?? []) {
    const match = /^\s*([^=]+?)\s*=\s*(.*?)\s*$/.exec(arg)
    if (!match)
      throw new UsageError(`Invalid topic config '${arg}': all configs to be added must be in the format "key=val".`)
    configs.set(match[1], match[2])
  }
  return configs
}
