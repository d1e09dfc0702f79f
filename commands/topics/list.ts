import {Flags} from '@oclif/core'
import {Admin} from '../../src/client/admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'

export default class TopicsList extends KbusCommand {
  static override summary = 'List topic names, one per line (kafka-topics --list)'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --exclude-internal --bootstrap-server kafka:9092',
    '<%= config.bin %> <%= command.id %> --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    'exclude-internal': Flags.boolean({summary: 'Leave out internal topics such as __consumer_offsets.'}),
  }

  async run(): Promise<string[]> {
    const {flags} = await this.parse(TopicsList)
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const names = await new Admin(cluster).listTopics({includeInternal: !flags['exclude-internal']})
      for (const name of names) this.log(name)
      return names
    } finally {
      await cluster.close()
    }
  }
}
