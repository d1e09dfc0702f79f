import {readFile} from 'node:fs/promises'
import {Flags} from '@oclif/core'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {listOffsets, partitionKey} from '../../src/client/list-offsets.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {confirmAction} from '../../src/cli/confirm.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {resetCsv, resetTable} from '../../src/cli/group-render.js'
import {logBounds, openGroupCluster, selectedGroups} from '../../src/cli/group-session.js'
import {
  type PartitionBounds,
  type PlannedOffset,
  parseDateTime,
  parseDuration,
  parseResetFile,
  parseTopicArg,
  planReset,
  type ResetSpec,
} from '../../src/cli/offset-reset.js'
import {printNote} from '../../src/cli/output.js'
import {ErrorCode} from '../../src/protocol/errors.js'

const INACTIVE = new Set(['Empty', 'Dead'])
const SPECS = ['to-earliest', 'to-latest', 'to-current', 'to-offset', 'shift-by', 'to-datetime', 'by-duration', 'from-file'] as const

export interface ResetResult {
  dryRun: boolean
  offsets: PlannedOffset[]
}

export default class ConsumerGroupsResetOffsets extends KbusCommand {
  static override summary = "Move a group's committed offsets (kafka-consumer-groups --reset-offsets)"
  static override description =
    'A dry run (the default) prints the new offsets; --execute commits them. Only a group with no active members can be reset. ' +
    'Targets outside the log are clamped to its bounds, as Kafka does. --export prints the plan as CSV for a later --from-file.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --group billing --topic orders --to-earliest',
    '<%= config.bin %> <%= command.id %> --group billing --topic orders:0,1 --shift-by -10 --execute',
    "<%= config.bin %> <%= command.id %> --group billing --all-topics --to-datetime '2025-01-31T08:00:00.000' --execute",
    '<%= config.bin %> <%= command.id %> --group billing --all-topics --to-current --export > offsets.csv',
  ]

  static override enableJsonFlag = true

  static override flags = {
    group: Flags.string({char: 'g', summary: 'The group to reset (repeatable).', multiple: true}),
    'all-groups': Flags.boolean({summary: 'Reset every consumer group.'}),
    topic: Flags.string({char: 't', summary: 'A topic, or topic:0,1,2 for some of its partitions (repeatable).', multiple: true}),
    'all-topics': Flags.boolean({summary: 'Every partition the group has committed offsets for.'}),
    'to-earliest': Flags.boolean({summary: 'The start of each log.'}),
    'to-latest': Flags.boolean({summary: 'The end of each log.'}),
    'to-current': Flags.boolean({summary: 'The committed offset (the log end where there is none).'}),
    'to-offset': Flags.string({summary: 'This offset.'}),
    'shift-by': Flags.string({summary: 'The committed offset plus N (negative to go back).'}),
    'to-datetime': Flags.string({summary: "The first record at or after YYYY-MM-DDTHH:mm:SS.sss (UTC unless a zone is given)."}),
    'by-duration': Flags.string({summary: 'The first record at or after now minus an ISO-8601 duration (PnDTnHnMnS).'}),
    'from-file': Flags.string({summary: 'The offsets in a CSV file (topic,partition,offset or group,topic,partition,offset).'}),
    'dry-run': Flags.boolean({summary: 'Only print the new offsets (the default).'}),
    execute: Flags.boolean({summary: 'Commit the new offsets.'}),
    export: Flags.boolean({summary: 'Print the new offsets as CSV.'}),
    yes: Flags.boolean({char: 'y', summary: 'Do not ask for confirmation on a terminal.', aliases: ['force']}),
    timeout: Flags.integer({summary: 'How long to wait for the broker, in ms (default 5000).', min: 1}),
  }

  async run(): Promise<ResetResult> {
    const {flags} = await this.parse(ConsumerGroupsResetOffsets)
    const spec = resetSpec(flags)
    if (flags['dry-run'] && flags.execute) throw new UsageError('Option [reset-offsets] only accepts one of [execute] and [dry-run]')
    if (spec.kind !== 'file' && !flags['all-topics'] && !flags.topic?.length)
      throw new UsageError('One of the reset scopes should be defined: --all-topics, --topic.')
    if (flags['all-topics'] && flags.topic?.length) throw new UsageError('Option [reset-offsets] takes one of these options: [all-topics], [topic]')
    if (!flags['dry-run'] && !flags.execute)
      printNote(
        'WARN: No action will be performed as the --execute option is missing.In a future major release, the default behavior of this command will be to prompt the user before executing the reset rather than doing a dry run. You should add the --dry-run option explicitly if you are scripting this command and want to keep the current default behavior without prompting.',
      )
    const topicArgs = (flags.topic ?? []).map(parseTopicArg)
    const fromFile = spec.kind === 'file' ? await readFile(spec.path, 'utf8') : undefined

    const cluster = openGroupCluster(await this.brokerTarget(flags), this.config.version, flags.timeout ?? 5000)
    try {
      const admin = new GroupAdmin(cluster)
      const groupIds = await selectedGroups(admin, flags, 'reset-offsets')
      const fromFilePlan = fromFile === undefined ? undefined : parseResetFile(fromFile, groupIds)
      const plan: PlannedOffset[] = []
      const refused: string[] = []
      for (const description of await admin.describeGroups(groupIds)) {
        const groupId = description.groupId
        if (!INACTIVE.has(description.state)) {
          refused.push(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${description.state}.`)
          continue
        }
        if (fromFilePlan) {
          plan.push(...fromFilePlan.filter((entry) => entry.group === groupId))
          continue
        }
        const committed = description.error ? [] : await admin.committedOffsets(groupId)
        const partitions = flags['all-topics']
          ? committed.filter((entry) => entry.offset >= 0)
          : await this.partitionsOf(cluster, topicArgs)
        const bounds = await logBounds(cluster, partitions, {earliest: true})
        const committedAt = new Map(committed.filter((e) => e.offset >= 0).map((e) => [partitionKey(e.topic, e.partition), e.offset]))
        const atTimestamp =
          spec.kind === 'timestamp'
            ? await listOffsets(cluster, partitions.filter((p) => bounds.has(partitionKey(p.topic, p.partition))).map((p) => ({topic: p.topic, partition: p.partition, timestamp: spec.timestamp})))
            : undefined
        const known: PartitionBounds[] = partitions
          .filter((p) => bounds.has(partitionKey(p.topic, p.partition)))
          .map(({topic, partition}) => {
            const key = partitionKey(topic, partition)
            return {topic, partition, committed: committedAt.get(key) ?? null, ...bounds.get(key)!, atTimestamp: atTimestamp?.get(key)?.offset}
          })
        plan.push(...planReset(groupId, spec as Exclude<ResetSpec, {kind: 'file'}>, known, (message) => printNote(message)))
      }

      let failures = [...refused]
      if (flags.execute && plan.length > 0) {
        const target = groupIds.length === 1 ? `group '${groupIds[0]}'` : `${groupIds.length} groups`
        if (!(await confirmAction(`Commit ${plan.length} new offset(s) for ${target}?`, {yes: flags.yes})))
          throw new CliError('Nothing was reset.', {exitCode: 1})
        failures = [...failures, ...(await this.apply(admin, plan))]
      }
      if (!this.jsonEnabled()) process.stdout.write(flags.export ? resetCsv(plan) : resetTable(plan))
      if (failures.length > 0) throw new CliError(failures.join('\n'))
      return {dryRun: !flags.execute, offsets: plan}
    } finally {
      await cluster.close()
    }
  }

  /** Every partition of each --topic (or the ones listed after its colon). */
  private async partitionsOf(cluster: Parameters<typeof logBounds>[0], topics: ReturnType<typeof parseTopicArg>[]) {
    const metadata = await cluster.refresh(topics.map((arg) => arg.topic))
    return topics.flatMap((arg) => {
      const topic = metadata.find((entry) => entry.name === arg.topic)
      if (!topic || topic.errorCode !== ErrorCode.NONE) throw new CliError(`Topic '${arg.topic}' does not exist.`)
      const count = topic.partitions.length
      const wanted = arg.partitions ?? topic.partitions.map((p) => p.partition)
      const absent = wanted.find((partition) => partition >= count)
      if (absent !== undefined) throw new CliError(`Partition ${absent} of topic '${arg.topic}' does not exist (it has ${count}).`)
      return wanted.map((partition) => ({topic: arg.topic, partition}))
    })
  }

  /** Standalone commits per group; the failures, one line each. */
  private async apply(admin: GroupAdmin, plan: PlannedOffset[]): Promise<string[]> {
    const failures: string[] = []
    for (const groupId of new Set(plan.map((entry) => entry.group))) {
      const refused = await admin.alterOffsets(groupId, plan.filter((entry) => entry.group === groupId))
      for (const {topic, partition, error} of refused) failures.push(`Resetting ${topic}-${partition} of group '${groupId}' failed: ${error.message}`)
    }
    return failures
  }
}

function resetSpec(flags: {
  'to-earliest': boolean
  'to-latest': boolean
  'to-current': boolean
  'to-offset'?: string
  'shift-by'?: string
  'to-datetime'?: string
  'by-duration'?: string
  'from-file'?: string
}): ResetSpec {
  const given = SPECS.filter((name) => flags[name] !== undefined && flags[name] !== false)
  if (given.length !== 1)
    throw new UsageError(`Option [reset-offsets] takes exactly one of these options: ${SPECS.map((name) => `[${name}]`).join(', ')}`)
  const integer = (text: string, flag: string) => {
    if (!/^\s*[+-]?\d+\s*$/.test(text) || !Number.isSafeInteger(Number(text))) throw new UsageError(`Invalid value '${text}' for --${flag}: expected a whole number.`)
    return Number(text)
  }
  switch (given[0]) {
    case 'to-earliest':
      return {kind: 'earliest'}
    case 'to-latest':
      return {kind: 'latest'}
    case 'to-current':
      return {kind: 'current'}
    case 'to-offset':
      return {kind: 'offset', offset: integer(flags['to-offset']!, 'to-offset')}
    case 'shift-by':
      return {kind: 'shift', by: integer(flags['shift-by']!, 'shift-by')}
    case 'to-datetime':
      return {kind: 'timestamp', timestamp: parseDateTime(flags['to-datetime']!)}
    case 'by-duration':
      return {kind: 'timestamp', timestamp: Date.now() - parseDuration(flags['by-duration']!)}
    case 'from-file':
      return {kind: 'file', path: flags['from-file']!}
  }
}
