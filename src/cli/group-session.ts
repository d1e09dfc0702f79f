/**
 * What the consumer-groups subcommands share: a connected group admin, the groups an action
 * applies to (--group, repeatable, or --all-groups), and the log bounds of partitions.
 */
import type {Cluster} from '../client/cluster.js'
import {type GroupAdmin, type GroupDescription} from '../client/group-admin.js'
import {EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets, partitionKey} from '../client/list-offsets.js'
import {ErrorCode} from '../protocol/errors.js'
import type {BrokerTarget} from './base-command.js'
import {openCluster} from './client-session.js'
import {UsageError} from './errors.js'
import {type GroupReport, groupReport} from './group-render.js'

/** The admin client kafka-consumer-groups uses: client id, and --timeout as the request timeout. */
export function openGroupCluster(target: BrokerTarget, version: string, timeoutMs: number | undefined): Cluster {
  const properties = new Map<string, string>()
  if (timeoutMs !== undefined) properties.set('request.timeout.ms', String(timeoutMs))
  return openCluster(target, {clientId: 'kbus-admin', version, properties})
}

/** Kafka's consumer groups: protocol type "consumer", or "" for groups used only to store offsets. */
export async function consumerGroupIds(admin: GroupAdmin): Promise<string[]> {
  const groups = await admin.listGroups()
  return groups.filter((group) => group.protocolType === 'consumer' || group.protocolType === '').map((group) => group.groupId)
}

export async function selectedGroups(admin: GroupAdmin, flags: {group?: string[]; 'all-groups'?: boolean}, action: string): Promise<string[]> {
  const named = [...new Set(flags.group ?? [])]
  if (flags['all-groups'] && named.length > 0) throw new UsageError(`Option [${action}] takes one of these options: [all-groups], [group]`)
  if (flags['all-groups']) return consumerGroupIds(admin)
  if (named.length === 0) throw new UsageError(`Option [${action}] takes one of these options: [all-groups], [group]`)
  return named
}

export interface LogBounds {
  earliest: number
  latest: number
}

/**
 * Log start and end of each partition whose topic still exists; partitions of deleted topics
 * (or past a topic's partition count) are left out.
 */
export async function logBounds(cluster: Cluster, partitions: ReadonlyArray<{topic: string; partition: number}>, which: {earliest: boolean}): Promise<Map<string, LogBounds>> {
  const topics = [...new Set(partitions.map((p) => p.topic))]
  const metadata = topics.length > 0 ? await cluster.refresh(topics) : []
  const counts = new Map(metadata.filter((topic) => topic.errorCode === ErrorCode.NONE).map((topic) => [topic.name, topic.partitions.length]))
  const present = partitions.filter((p) => p.partition < (counts.get(p.topic) ?? 0))
  const [latest, earliest] = await Promise.all([
    listOffsets(cluster, present.map((p) => ({...p, timestamp: LATEST_TIMESTAMP}))),
    which.earliest ? listOffsets(cluster, present.map((p) => ({...p, timestamp: EARLIEST_TIMESTAMP}))) : Promise.resolve(new Map()),
  ])
  const result = new Map<string, LogBounds>()
  for (const {topic, partition} of present) {
    const key = partitionKey(topic, partition)
    result.set(key, {earliest: earliest.get(key)?.offset ?? 0, latest: latest.get(key)!.offset})
  }
  return result
}

/** Everything describe shows about a group: members, assignments, committed offsets and lag. */
export async function describeGroup(cluster: Cluster, admin: GroupAdmin, description: GroupDescription): Promise<GroupReport> {
  const committed = await admin.committedOffsets(description.groupId)
  const committedMap = new Map(committed.filter((entry) => entry.offset >= 0).map((entry) => [partitionKey(entry.topic, entry.partition), entry.offset]))
  const partitions = [...description.members.flatMap((member) => member.assignment), ...committed]
  const bounds = await logBounds(cluster, partitions, {earliest: false})
  const logEnd = new Map([...bounds].map(([key, value]) => [key, value.latest]))
  return groupReport(description, committedMap, logEnd)
}
