import {ModeCommand} from '../../src/cli/mode-flags.js'

const MODES = {
  list: 'consumer-groups:list',
  describe: 'consumer-groups:describe',
  delete: 'consumer-groups:delete',
  'reset-offsets': 'consumer-groups:reset-offsets',
  'delete-offsets': 'consumer-groups:delete-offsets',
}

export default class ConsumerGroups extends ModeCommand {
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

  protected readonly modes = MODES
}
