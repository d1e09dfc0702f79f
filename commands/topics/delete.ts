import {Flags} from '@oclif/core'
import {Admin} from '../../src/client/admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {UsageError} from '../../src/cli/errors.js'
import {topicList} from '../../src/cli/topic-render.js'
import {ErrorCode, KafkaError} from '../../src/protocol/errors.js'

export default class TopicsDelete extends KbusCommand {
  static override summary = 'Delete topics and their data (kafka-topics --delete)'
  static override description =
    'Names are matched exactly (Kafka reads --topic as a regular expression, so `my.topic` would also delete `my_topic`; kbus does not).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders',
    '<%= config.bin %> <%= command.id %> --topic orders,payments --if-exists',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'Topic(s) to delete, comma-separated.', required: true}),
    'if-exists': Flags.boolean({summary: 'Do nothing, successfully, for topics that do not exist.'}),
  }

  async run(): Promise<{deleted: string[]}> {
    const {flags} = await this.parse(TopicsDelete)
    const names = topicList(flags.topic) ?? []
    if (names.length === 0) throw new UsageError('--topic names no topic.')
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const results = await new Admin(cluster).deleteTopics(names)
      const deleted: string[] = []
      let failure: KafkaError | undefined
      for (const result of results) {
        if (!result.error) deleted.push(result.name)
        else if (result.error.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          if (!flags['if-exists'])
            failure ??= new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${result.name}' does not exist as expected`)
        } else failure ??= result.error
      }
      if (failure) throw failure
      return {deleted}
    } finally {
      await cluster.close()
    }
  }
}
