import {Flags} from '@oclif/core'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {confirmAction} from '../../src/cli/confirm.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {openGroupCluster, selectedGroups} from '../../src/cli/group-session.js'

export default class ConsumerGroupsDelete extends KbusCommand {
  static override summary = 'Delete consumer groups and their committed offsets (kafka-consumer-groups --delete)'
  static override description = 'Only groups without active members can be deleted. On a terminal it asks first, unless --yes.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --group billing',
    '<%= config.bin %> <%= command.id %> --group old-1 --group old-2 --yes',
  ]

  static override enableJsonFlag = true

  static override flags = {
    group: Flags.string({char: 'g', summary: 'The group to delete (repeatable).', multiple: true}),
    'all-groups': Flags.boolean({summary: 'Delete every consumer group.'}),
    topic: Flags.string({summary: 'Not supported with --delete: use delete-offsets.', hidden: true, multiple: true}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation on a terminal.', aliases: ['force']}),
    timeout: Flags.integer({summary: 'How long to wait for the broker, in ms (default 5000).', min: 1}),
  }

  async run(): Promise<{deleted: string[]}> {
    const {flags} = await this.parse(ConsumerGroupsDelete)
    if (flags.topic?.length)
      throw new UsageError('The consumer does not support topic-specific offset deletion from a consumer group.', 'Use `kbus consumer-groups delete-offsets --group <g> --topic <t>`.')
    const cluster = openGroupCluster(await this.brokerTarget(flags), this.config.version, flags.timeout ?? 5000)
    try {
      const admin = new GroupAdmin(cluster)
      const groupIds = await selectedGroups(admin, flags, 'delete')
      if (groupIds.length === 0) return {deleted: []}
      const quoted = groupIds.map((group) => `'${group}'`).join(', ')
      if (!(await confirmAction(`Delete consumer group${groupIds.length > 1 ? 's' : ''} ${quoted} and ${groupIds.length > 1 ? 'their' : 'its'} committed offsets?`, {yes: flags.yes})))
        throw new CliError('Nothing was deleted.')
      const results = await admin.deleteGroups(groupIds)
      const deleted = results.filter((result) => !result.error).map((result) => result.groupId)
      const failed = results.filter((result) => result.error)
      if (failed.length === 0) {
        this.log(`Deletion of requested consumer groups ('${deleted.join(', ')}') was successful.`)
        return {deleted}
      }
      const lines = failed.map((result) => `* Group '${result.groupId}' could not be deleted due to: ${result.error!.message}`)
      if (deleted.length > 0) this.log(`These consumer groups were deleted successfully: ${deleted.map((group) => `'${group}'`).join(', ')}`)
      throw new CliError(`Deletion of some consumer groups failed:\n${lines.join('\n')}`)
    } finally {
      await cluster.close()
    }
  }
}
