import {Flags} from '@oclif/core'
import {Admin} from '../../src/client/admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {UsageError} from '../../src/cli/errors.js'
import {topicList} from '../../src/cli/topic-render.js'
import {ErrorCode, KafkaError} from '../../src/protocol/errors.js'

export interface AlterTopicsResult {
  altered: Array<{topic: string; partitions: number}>
}

export default class TopicsAlter extends KbusCommand {
  static override summary = 'Add partitions to topics (kafka-topics --alter)'
  static override description =
    'Partitions can only be added: Kafka refuses to shrink a topic. Keys hash to new partitions afterwards, so keyed ordering changes. ' +
    'To change topic configs, use `kbus configs --alter`.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --partitions 6',
    '<%= config.bin %> topics --alter --topic orders,payments --partitions 4 --if-exists',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'Topic(s) to alter, comma-separated.', required: true}),
    partitions: Flags.integer({summary: 'The new (larger) number of partitions.', required: true}),
    'if-exists': Flags.boolean({summary: 'Skip, without an error, topics that do not exist.'}),
    config: Flags.string({hidden: true, multiple: true}),
  }

  async run(): Promise<AlterTopicsResult> {
    const {flags} = await this.parse(TopicsAlter)
    if (flags.config)
      throw new UsageError(
        'Option "[config]" can\'t be used with option "[alter]" (To alter topic configurations, the kafka-configs tool can be used.)',
        `Use \`kbus configs --alter --topic ${flags.topic} --add-config ${flags.config.join(',')}\`.`,
      )
    if (flags.partitions < 1) throw new UsageError('The partitions must be greater than 0')
    const names = topicList(flags.topic) ?? []
    if (names.length === 0) throw new UsageError('--topic names no topic.')
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const results = await new Admin(cluster).createPartitions(names.map((topic) => ({topic, count: flags.partitions})))
      const altered: AlterTopicsResult['altered'] = []
      let failure: KafkaError | undefined
      for (const result of results) {
        if (!result.error) altered.push({topic: result.topic, partitions: flags.partitions})
        else if (result.error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          if (!flags['if-exists'])
            failure ??= new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${result.topic}' does not exist as expected`)
        } else failure ??= result.error
      }
      if (failure) throw failure
      return {altered}
    } finally {
      await cluster.close()
    }
  }
}
