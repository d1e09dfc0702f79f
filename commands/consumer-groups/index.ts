import {KbusCommand} from '../../src/cli/base-command.js'
import {runMode} from '../../src/cli/mode-flags.js'

const MODES = {
  list: 'consumer-groups:list',
  describe: 'consumer-groups:describe',
  delete: 'consumer-groups:delete',
  'reset-offsets': 'consumer-groups:reset-offsets',
  'delete-offsets': 'consumer-groups:delete-offsets',
}

export default class ConsumerGroups extends KbusCommand {
  static override summary = "List, describe, reset and delete consumer groups, with kafka-consumer-groups' action flags"
  static override description =
    'Accepts the kafka-consumer-groups.sh form (one of --list, --describe, --delete, --reset-offsets, --delete-offsets plus their flags) and runs the matching `kbus consumer-groups <action>` subcommand.'

  static override examples = [
    '<%= config.bin %> consumer-groups --list --state',
    '<%= config.bin %> consumer-groups --describe --group billing',
    '<%= config.bin %> consumer-groups --describe --group billing --members --verbose',
    '<%= config.bin %> consumer-groups --reset-offsets --group billing --topic orders --to-earliest --execute',
    '<%= config.bin %> consumer-groups --delete --group billing',
  ]

  static override strict = false

  async run(): Promise<void> {
    await runMode(this.config, this.argv, MODES)
  }
}
