import {Flags} from '@oclif/core'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {type GroupReport, membersTable, offsetsTable, stateTable} from '../../src/cli/group-render.js'
import {describeGroup, openGroupCluster, selectedGroups} from '../../src/cli/group-session.js'
import {printNote} from '../../src/cli/output.js'

const REBALANCING = new Set(['PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling'])

export default class ConsumerGroupsDescribe extends KbusCommand {
  static override summary = "Show a group's partitions, offsets and lag, its members, or its state (kafka-consumer-groups --describe)"
  static override description =
    'LAG is the log end offset minus the committed offset, per partition. --json always gives the whole description (state, members with their assignments, offsets and lag).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --group billing',
    '<%= config.bin %> <%= command.id %> --group billing --members --verbose',
    '<%= config.bin %> <%= command.id %> --all-groups --state',
    '<%= config.bin %> <%= command.id %> --group billing --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    group: Flags.string({char: 'g', summary: 'The group to describe (repeatable).', multiple: true}),
    'all-groups': Flags.boolean({summary: 'Describe every consumer group.'}),
    offsets: Flags.boolean({summary: 'Committed offsets, log end offsets and lag per partition (the default).'}),
    members: Flags.boolean({summary: 'The members, their hosts, client ids and partition counts.'}),
    state: Flags.boolean({summary: "The group's coordinator, assignment strategy, state and member count."}),
    verbose: Flags.boolean({summary: 'With --members: each member\'s assigned partitions.'}),
    timeout: Flags.integer({summary: 'How long to wait for the broker, in ms (default 5000).', min: 1}),
  }

  async run(): Promise<GroupReport[]> {
    const {flags} = await this.parse(ConsumerGroupsDescribe)
    const views = (['members', 'offsets', 'state'] as const).filter((view) => flags[view])
    if (views.length > 1) throw new UsageError('Option [describe] takes at most one of these options: [members], [offsets], [state]')
    const view = views[0] ?? 'offsets'
    if (flags.verbose && view !== 'members') throw new UsageError('Option [verbose] can only be used with [describe] [members].')
    const cluster = openGroupCluster(await this.brokerTarget(flags), this.config.version, flags.timeout ?? 5000)
    try {
      const admin = new GroupAdmin(cluster)
      const groupIds = await selectedGroups(admin, flags, 'describe')
      const reports: GroupReport[] = []
      const missing: string[] = []
      for (const description of await admin.describeGroups(groupIds)) {
        if (description.error) {
          missing.push(description.groupId)
          continue
        }
        const report = await describeGroup(cluster, admin, description)
        reports.push(report)
        if (this.jsonEnabled()) continue
        if (view !== 'state') this.noteState(report)
        process.stdout.write(view === 'members' ? membersTable(report, flags.verbose) : view === 'state' ? stateTable(report) : offsetsTable(report))
      }
      if (missing.length > 0)
        throw new CliError(missing.map((group) => `Consumer group '${group}' does not exist.`).join('\n'), {
          hint: 'List the groups with `kbus consumer-groups --list`.',
        })
      return reports
    } finally {
      await cluster.close()
    }
  }

  /** Kafka's notes before the table, on stderr: no members, or a rebalance under way. */
  private noteState(report: GroupReport): void {
    if (report.state === 'Empty') printNote(`\nConsumer group '${report.group}' has no active members.`)
    else if (REBALANCING.has(report.state)) printNote(`\nWarning: Consumer group '${report.group}' is rebalancing.`)
  }
}
