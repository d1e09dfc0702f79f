import {ModeCommand} from '../../src/cli/mode-flags.js'

const MODES = {
  create: 'topics:create',
  list: 'topics:list',
  describe: 'topics:describe',
  alter: 'topics:alter',
  delete: 'topics:delete',
}

export default class Topics extends ModeCommand {
  static override summary = "Create, list, describe, alter and delete topics, with kafka-topics' action flags"
  static override description =
    'Accepts the kafka-topics.sh form (one of --create, --list, --describe, --alter, --delete plus their flags) and runs the matching `kbus topics <action>` subcommand.'

  static override examples = [
    '<%= config.bin %> topics --create --topic orders --partitions 3',
    '<%= config.bin %> topics --list',
    '<%= config.bin %> topics --describe --topic orders',
    '<%= config.bin %> topics --alter --topic orders --partitions 6',
    '<%= config.bin %> topics --delete --topic orders',
  ]

  protected readonly modes = MODES
}
