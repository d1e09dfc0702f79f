import {ModeCommand} from '../../src/cli/mode-flags.js'

const MODES = {describe: 'configs:describe', alter: 'configs:alter'}

export default class Configs extends ModeCommand {
  static override summary = "Describe and alter topic and broker configs, with kafka-configs' action flags"
  static override description =
    'Accepts the kafka-configs.sh form (--describe or --alter plus their flags) and runs the matching `kbus configs <action>` subcommand.'

  static override examples = [
    '<%= config.bin %> configs --describe --entity-type topics --entity-name orders',
    "<%= config.bin %> configs --alter --topic orders --add-config retention.ms=60000,cleanup.policy=[compact,delete]",
    '<%= config.bin %> configs --alter --topic orders --delete-config retention.ms',
  ]

  protected readonly modes = MODES
}
