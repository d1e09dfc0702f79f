import {Flags} from '@oclif/core'
import {GroupAdmin, type GroupListing} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {UsageError} from '../../src/cli/errors.js'
import {listText} from '../../src/cli/group-render.js'
import {openGroupCluster} from '../../src/cli/group-session.js'

const STATES = ['stable', 'empty', 'preparingrebalance', 'completingrebalance', 'dead', 'assigning', 'reconciling']
const TYPES = ['classic', 'consumer']

export default class ConsumerGroupsList extends KbusCommand {
  static override summary = 'List consumer groups (kafka-consumer-groups --list)'
  static override description =
    '--state alone adds a STATE column; --state stable,empty also keeps only groups in those states. --type does the same for the group type (every kbus group is classic).'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --state',
    '<%= config.bin %> <%= command.id %> --state stable,empty --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    state: Flags.string({summary: 'Show each group\'s state; with a comma-separated list, only groups in those states.'}),
    type: Flags.string({summary: 'Show each group\'s type; with a comma-separated list (classic, consumer), only those types.'}),
    timeout: Flags.integer({summary: 'How long to wait for the broker, in ms (default 5000).', min: 1}),
  }

  async run(): Promise<Array<{group: string; state: string | null; type: string | null}>> {
    // Kafka's --state and --type take an optional value: a bare flag becomes an empty list.
    const {flags} = await this.parse(ConsumerGroupsList, withOptionalValues(this.argv, ['--state', '--type']))
    const states = csv(flags.state, STATES, 'state')
    const types = csv(flags.type, TYPES, 'type')
    const cluster = openGroupCluster(await this.brokerTarget(flags), this.config.version, flags.timeout ?? 5000)
    try {
      const listed = await new GroupAdmin(cluster).listGroups({states: states?.length ? states : undefined})
      const groups = listed
        .filter((group) => group.protocolType === 'consumer' || group.protocolType === '')
        .filter((group) => !types?.length || types.includes((group.type ?? 'classic').toLowerCase()))
      if (!this.jsonEnabled()) process.stdout.write(listText(groups, {state: states !== undefined, type: types !== undefined}))
      return groups.map((group: GroupListing) => ({group: group.groupId, state: group.state, type: group.type}))
    } finally {
      await cluster.close()
    }
  }
}

/** `--state` followed by nothing or by another flag is given an empty value. */
function withOptionalValues(argv: string[], names: string[]): string[] {
  const out: string[] = []
  argv.forEach((arg, index) => {
    const next = argv[index + 1]
    if (names.includes(arg) && (next === undefined || next.startsWith('-'))) out.push(`${arg}=`)
    else out.push(arg)
  })
  return out
}

/** undefined: the flag was not given; []: given without a filter. */
function csv(value: string | undefined, allowed: string[], what: string): string[] | undefined {
  if (value === undefined) return undefined
  const list = value
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
  const unknown = list.find((entry) => !allowed.includes(entry))
  if (unknown) throw new UsageError(`Invalid ${what} '${unknown}': expected one of ${allowed.join(', ')}.`)
  return list
}
