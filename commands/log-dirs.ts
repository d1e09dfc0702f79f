import {Flags} from '@oclif/core'
import {Admin} from '../src/client/admin.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {UsageError} from '../src/cli/errors.js'
import {checkBrokersExist, type LogDirsJson, logDirsJson, parseBrokerList, parseTopicList} from '../src/cli/log-dirs.js'
import {printNote} from '../src/cli/output.js'

export default class LogDirs extends KbusCommand {
  static override summary = 'Show the log directories of brokers and the size of each partition in them (kafka-log-dirs)'
  static override description =
    "Prints Kafka's JSON document: per broker, each log directory with its partitions' size in bytes, offset lag and " +
    'whether the replica is a future one (being moved between directories). The status lines Kafka prints go to stderr, ' +
    'so stdout is the JSON alone. Topics that do not exist are simply absent.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --describe',
    '<%= config.bin %> <%= command.id %> --describe --topic-list orders,audit',
    '<%= config.bin %> <%= command.id %> --describe --bootstrap-server localhost:9092 --broker-list 1',
  ]

  static override enableJsonFlag = true

  // Here --broker-list names the brokers to ask, as in Kafka's tool, not the bootstrap servers.
  static override baseFlags = {
    ...KbusCommand.baseFlags,
    'bootstrap-server': {...KbusCommand.baseFlags['bootstrap-server'], aliases: []},
  }

  static override flags = {
    describe: Flags.boolean({summary: 'Describe the log directories of the brokers (the only action; required, as in Kafka).'}),
    'topic-list': Flags.string({summary: 'Comma-separated topics to show, e.g. "topic1,topic2" (default: every topic).'}),
    'broker-list': Flags.string({summary: 'Comma-separated broker ids to ask, e.g. "0,1,2" (default: every broker).'}),
  }

  async run(): Promise<LogDirsJson> {
    const {flags} = await this.parse(LogDirs)
    if (!flags.describe) throw new UsageError('Missing required argument --describe', 'Run `kbus log-dirs --describe`.')
    const topics = parseTopicList(flags['topic-list'])
    const wantedBrokers = parseBrokerList(flags['broker-list'])
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'log-dirs-tool', version: this.config.version})
    try {
      const admin = new Admin(cluster)
      const existing = await admin.brokerIds()
      if (wantedBrokers) checkBrokersExist(wantedBrokers, existing)
      const brokers = wantedBrokers ?? existing
      printNote('Querying brokers for log directories information')
      const described = await admin.describeLogDirs(topics, {brokers})
      printNote(`Received log directory information from brokers ${brokers.join(',')}`)
      const document = logDirsJson(described)
      this.log(JSON.stringify(document))
      return document
    } finally {
      await cluster.close()
    }
  }
}
