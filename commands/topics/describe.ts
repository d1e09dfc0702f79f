import {Flags} from '@oclif/core'
import {Admin} from '../../src/client/admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {describeLines, type TopicJson, topicJson, topicList} from '../../src/cli/topic-render.js'
import {ErrorCode, KafkaError} from '../../src/protocol/errors.js'

export default class TopicsDescribe extends KbusCommand {
  static override summary = 'Show partitions, leaders, replicas and config overrides (kafka-topics --describe)'
  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders',
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --topic orders,payments --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    topic: Flags.string({char: 't', summary: 'Topic(s) to describe, comma-separated (default: every topic).'}),
    'exclude-internal': Flags.boolean({summary: 'Leave out internal topics when describing every topic.'}),
    'if-exists': Flags.boolean({summary: 'Skip, without an error, topics that do not exist.'}),
  }

  async run(): Promise<TopicJson[]> {
    const {flags} = await this.parse(TopicsDescribe)
    const names = topicList(flags.topic)
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const topics = await new Admin(cluster).describeTopics(names, {includeInternal: !flags['exclude-internal']})
      const missing = topics.find((topic) => topic.error?.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      if (missing && !flags['if-exists'])
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${missing.name}' does not exist as expected`)
      const failed = topics.find((topic) => topic.error && topic.error.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
      if (failed?.error) throw failed.error
      const found = topics.filter((topic) => !topic.error)
      for (const topic of found) for (const line of describeLines(topic)) this.log(line)
      return found.map(topicJson)
    } finally {
      await cluster.close()
    }
  }
}
