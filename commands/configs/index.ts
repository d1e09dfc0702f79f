import {KbusCommand} from '../../src/cli/base-command.js'
import {runMode} from '../../src/cli/mode-flags.js'

const MODES = {describe: 'configs:describe', alter: 'configs:alter'}

export default class Configs extends KbusCommand {
  static override summary = "Describe and alter topic and broker configs, with kafka-configs' action flags"
  static override description =
    'Accepts the kafka-configs.sh form (--describe or --alter plus their flags) and runs the matching `kbus configs <action>` subcommand.'

  static override examples = [
    '<%= config.bin %> configs --describe --entity-type topics --entity-name orders',
    "<%= config.bin %> configs --alter --topic orders --add-config retention.ms=60000,cleanup.policy=[compact,delete]",
    '<%= config.bin %> configs --alter --topic orders --delete-config retention.ms',
  ]

  static override strict = false

  async run(): Promise<void> {
    // The subcommand parses these arguments; parsing Kafka's action flags here would refuse them.
    // Telling oclif so keeps its "did not parse" warning (NODE_ENV=development/test) quiet.
    this.parsed = true
    await runMode(this.config, this.argv, MODES)
  }
}
