import {Flags} from '@oclif/core'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {deleteOffsetsTable} from '../../src/cli/group-render.js'
import {openGroupCluster} from '../../src/cli/group-session.js'
import {parseTopicArg} from '../../src/cli/offset-reset.js'
import {ErrorCode} from '../../src/protocol/errors.js'

export default class ConsumerGroupsDeleteOffsets extends KbusCommand {
  static override summary = "Delete a group's committed offsets for some topics (kafka-consumer-groups --delete-offsets)"
  static override description = 'Only a group without active members can lose offsets. --topic t deletes every partition of t; t:0,1 only those.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --group billing --topic orders',
    '<%= config.bin %> <%= command.id %> --group billing --topic orders:0,1 --topic payments',
  ]

  static override enableJsonFlag = true

  static override flags = {
    group: Flags.string({char: 'g', summary: 'The group whose offsets to delete.'}),
    topic: Flags.string({char: 't', summary: 'A topic, or topic:0,1,2 for some of its partitions (repeatable).', multiple: true}),
    timeout: Flags.integer({summary: 'How long to wait for the broker, in ms (default 5000).', min: 1}),
  }

  async run(): Promise<{group: string; partitions: Array<{topic: string; partition: number; error: string | null}>}> {
    const {flags} = await this.parse(ConsumerGroupsDeleteOffsets)
    if (!flags.group || !flags.topic?.length) throw new UsageError('Option [delete-offsets] takes the following options: [group], [topic]')
    const groupId = flags.group
    const topicArgs = flags.topic.map(parseTopicArg)
    const cluster = openGroupCluster(await this.brokerTarget(flags), this.config.version, flags.timeout ?? 5000)
    try {
      const metadata = await cluster.refresh(topicArgs.map((arg) => arg.topic))
      const partitions = topicArgs.flatMap((arg) => {
        const topic = metadata.find((entry) => entry.name === arg.topic && entry.errorCode === ErrorCode.NONE)
        const all = topic?.partitions.map((p) => p.partition) ?? []
        return (arg.partitions ?? all).map((partition) => ({topic: arg.topic, partition}))
      })
      const result = await new GroupAdmin(cluster).deleteOffsets(groupId, partitions)
      if (result.error?.code === ErrorCode.GROUP_ID_NOT_FOUND) throw new CliError(`'${groupId}' does not exist.`)
      if (result.error?.code === ErrorCode.NON_EMPTY_GROUP)
        throw new CliError(`Deleting offsets of a consumer group '${groupId}' is forbidden if the group is not empty.`)
      if (result.error) throw result.error
      if (!this.jsonEnabled()) {
        this.log(`Request succeed for deleting offsets with topic ${topicArgs.map((arg) => arg.topic).join(', ')} group ${groupId}`)
        process.stdout.write(deleteOffsetsTable(result.partitions))
      }
      const failed = result.partitions.filter((entry) => entry.error)
      if (failed.length > 0) throw new CliError(`Deleting offsets failed for ${failed.map((entry) => `${entry.topic}-${entry.partition}`).join(', ')}.`)
      return {group: groupId, partitions: result.partitions.map((entry) => ({topic: entry.topic, partition: entry.partition, error: entry.error?.message ?? null}))}
    } finally {
      await cluster.close()
    }
  }
}
