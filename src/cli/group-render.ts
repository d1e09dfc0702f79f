/**
 * kafka-consumer-groups' text output, column for column (Kafka 4.0's format strings: `%-Ns`
 * columns one space apart, minimum widths, `-` for a missing value, each table opened by an
 * empty line and followed by one), and the JSON shapes `--json` gives scripts instead.
 */
import type {GroupDescription, GroupListing, MemberDescription} from '../client/group-admin.js'

const MISSING = '-'

/** One row of the offsets view: a partition the group reads or has an offset for. */
export interface PartitionLag {
  topic: string
  partition: number
  currentOffset: number | null
  logEndOffset: number | null
  lag: number | null
  consumerId: string | null
  host: string | null
  clientId: string | null
}

/** Everything describe knows about one group; each view prints a part of it. */
export interface GroupReport {
  group: string
  state: string
  coordinator: {id: number; host: string; port: number}
  assignmentStrategy: string | null
  members: Array<{
    consumerId: string
    groupInstanceId: string | null
    host: string
    clientId: string
    assignment: Array<{topic: string; partitions: number[]}>
  }>
  offsets: PartitionLag[]
}

function pad(text: string, width: number): string {
  return text.padEnd(width)
}

function cell(value: string | number | null): string {
  return value === null ? MISSING : String(value)
}

function widest(minimum: number, values: string[]): number {
  return values.reduce((max, value) => Math.max(max, value.length), minimum)
}

/** An empty line, the rows, an empty line: how every kafka-consumer-groups table is framed. */
function table(lines: string[]): string {
  return `\n${lines.join('\n')}\n\n`
}

/** `--list` without --state/--type: one group id per line. */
export function listText(groups: GroupListing[], opts: {state: boolean; type: boolean}): string {
  if (!opts.state && !opts.type) return groups.map((group) => `${group.groupId}\n`).join('')
  const groupWidth = widest(15, groups.map((group) => group.groupId)) + 10
  const row = (group: string, type: string, state: string) =>
    [pad(group, groupWidth), ...(opts.type ? [pad(type, 20)] : []), ...(opts.state ? [pad(state, 20)] : [])].join(' ')
  return [row('GROUP', 'TYPE', 'STATE'), ...groups.map((g) => row(g.groupId, typeName(g.type), g.state ?? 'Unknown'))].map((line) => `${line}\n`).join('')
}

function typeName(type: string | null): string {
  if (type === null || type === '') return 'Classic'
  return type[0].toUpperCase() + type.slice(1).toLowerCase()
}

/** `--describe` (--offsets): one row per partition. */
export function offsetsTable(report: GroupReport): string {
  const rows = report.offsets
  const g = widest(15, [report.group])
  const t = widest(15, rows.map((row) => row.topic))
  const c = widest(15, rows.map((row) => cell(row.consumerId)))
  const h = widest(15, rows.map((row) => cell(row.host)))
  const line = (values: string[]) =>
    [pad(values[0], g), pad(values[1], t), pad(values[2], 10), pad(values[3], 15), pad(values[4], 15), pad(values[5], 15), pad(values[6], c), pad(values[7], h), values[8]].join(' ')
  return table([
    line(['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']),
    ...rows.map((row) =>
      line([
        report.group,
        row.topic,
        String(row.partition),
        cell(row.currentOffset),
        cell(row.logEndOffset),
        cell(row.lag),
        cell(row.consumerId),
        cell(row.host),
        cell(row.clientId),
      ]),
    ),
  ])
}

/** `--describe --members [--verbose]`. */
export function membersTable(report: GroupReport, verbose: boolean): string {
  const members = report.members
  const withInstance = members.some((member) => member.groupInstanceId !== null)
  const g = widest(15, [report.group])
  const c = widest(15, members.map((member) => member.consumerId))
  const i = widest(17, members.map((member) => member.groupInstanceId ?? MISSING))
  const h = widest(15, members.map((member) => member.host))
  const cl = widest(15, members.map((member) => member.clientId))
  const line = (group: string, consumer: string, instance: string, host: string, client: string, count: string, assignment: string) =>
    `${pad(group, g)} ${pad(consumer, c)} ${withInstance ? `${pad(instance, i)} ` : ''}${pad(host, h)} ${pad(client, cl)} ${pad(count, 15)} ${verbose ? assignment : ''}`
  return table([
    line('GROUP', 'CONSUMER-ID', 'GROUP-INSTANCE-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS', 'ASSIGNMENT'),
    ...members.map((member) =>
      line(
        report.group,
        member.consumerId,
        member.groupInstanceId ?? MISSING,
        member.host,
        member.clientId,
        String(member.assignment.reduce((sum, topic) => sum + topic.partitions.length, 0)),
        assignmentCell(member.assignment),
      ),
    ),
  ])
}

/** Kafka 3.7's cell, `orders(0,1), payments(2)`: 3.8+ dropped the topic names, which says less. */
function assignmentCell(assignment: Array<{topic: string; partitions: number[]}>): string {
  if (assignment.length === 0) return MISSING
  return assignment.map(({topic, partitions}) => `${topic}(${partitions.join(',')})`).join(', ')
}

/** `--describe --state`: Kafka 4.0 sizes the first column by the coordinator text, kept here. */
export function stateTable(report: GroupReport): string {
  const coordinator = `${report.coordinator.host}:${report.coordinator.port}  (${report.coordinator.id})`
  const first = Math.max(25, coordinator.length)
  const line = (values: string[]) => `${pad(values[0], first)} ${pad(values[1], 25)} ${pad(values[2], 20)} ${pad(values[3], 15)} ${values[4]}`
  return table([
    line(['GROUP', 'COORDINATOR (ID)', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS']),
    line([report.group, coordinator, report.assignmentStrategy ?? '', report.state, String(report.members.length)]),
  ])
}

/** `--reset-offsets` plan, dry run or executed; only an empty line when nothing is reset. */
export function resetTable(plan: Array<{group: string; topic: string; partition: number; offset: number}>): string {
  if (plan.length === 0) return '\n'
  const line = (values: string[]) => `${pad(values[0], 30)} ${pad(values[1], 30)} ${pad(values[2], 10)} ${pad(values[3], 15)}`
  return table([
    line(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET']),
    ...plan.map((entry) => line([entry.group, entry.topic, String(entry.partition), String(entry.offset)])),
  ])
}

/** `--reset-offsets --export`: Kafka's CSV, with the group column only when several groups are reset. */
export function resetCsv(plan: Array<{group: string; topic: string; partition: number; offset: number}>): string {
  const several = new Set(plan.map((entry) => entry.group)).size > 1
  const rows = plan.map((entry) => [...(several ? [entry.group] : []), entry.topic, entry.partition, entry.offset].join(','))
  return `${rows.map((row) => `${row}\n`).join('')}\n`
}

/** `--delete-offsets` per-partition results. */
export function deleteOffsetsTable(results: Array<{topic: string; partition: number; error?: Error}>): string {
  const line = (values: string[]) => `${pad(values[0], 30)} ${pad(values[1], 15)} ${pad(values[2], 15)}`
  return table([
    line(['TOPIC', 'PARTITION', 'STATUS']),
    ...results.map((result) => line([result.topic, String(result.partition), result.error ? `Error: :${result.error.message}` : 'Successful'])),
  ])
}

/** Turns what the admin client found into the report every view and --json draw from. */
export function groupReport(
  description: GroupDescription,
  committed: ReadonlyMap<string, number>,
  logEnd: ReadonlyMap<string, number>,
): GroupReport {
  const keyOf = (topic: string, partition: number) => `${topic}\0${partition}`
  // Kafka lists the busiest members first, each member's partitions by number.
  const members = [...description.members].sort((a, b) => b.assignment.length - a.assignment.length)
  const offsets: PartitionLag[] = []
  const seen = new Set<string>()
  const rowFor = (topic: string, partition: number, member: MemberDescription | null): PartitionLag => {
    const current = committed.get(keyOf(topic, partition)) ?? null
    const end = logEnd.get(keyOf(topic, partition)) ?? null
    return {
      topic,
      partition,
      currentOffset: current,
      logEndOffset: end,
      lag: current !== null && end !== null ? end - current : null,
      consumerId: member?.memberId ?? null,
      host: member?.clientHost ?? null,
      clientId: member?.clientId ?? null,
    }
  }
  for (const member of members)
    for (const {topic, partition} of [...member.assignment].sort((a, b) => a.partition - b.partition || compare(a.topic, b.topic))) {
      seen.add(keyOf(topic, partition))
      offsets.push(rowFor(topic, partition, member))
    }
  const unassigned = [...committed.keys()]
    .filter((key) => !seen.has(key))
    .map((key) => {
      const at = key.indexOf('\0')
      return {topic: key.slice(0, at), partition: Number(key.slice(at + 1))}
    })
    .sort((a, b) => compare(a.topic, b.topic) || a.partition - b.partition)
  for (const {topic, partition} of unassigned) offsets.push(rowFor(topic, partition, null))
  return {
    group: description.groupId,
    state: description.state,
    coordinator: {id: description.coordinator.nodeId, host: description.coordinator.host, port: description.coordinator.port},
    assignmentStrategy: description.assignor === '' ? null : description.assignor,
    members: description.members.map((member) => ({
      consumerId: member.memberId,
      groupInstanceId: member.groupInstanceId,
      host: member.clientHost,
      clientId: member.clientId,
      assignment: topicsOf(member),
    })),
    offsets,
  }
}

function topicsOf(member: MemberDescription): Array<{topic: string; partitions: number[]}> {
  const byTopic = new Map<string, number[]>()
  for (const {topic, partition} of member.assignment) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition])
  return [...byTopic].map(([topic, partitions]) => ({topic, partitions: partitions.sort((a, b) => a - b)}))
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
