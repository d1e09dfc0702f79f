/**
 * Consumer group administration as Kafka's Admin client does it for kafka-consumer-groups:
 * ListGroups on every broker, DescribeGroups / OffsetFetch / OffsetCommit / DeleteGroups /
 * OffsetDelete at each group's coordinator, member assignments decoded from the consumer
 * protocol. Per-group and per-partition failures come back as KafkaErrors in the results so
 * the command can report each one and still print the rest.
 */
import {decodeAssignment} from '../protocol/consumer-protocol.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {DeleteGroups} from '../protocol/messages/42-delete-groups.js'
import {DescribeGroups} from '../protocol/messages/15-describe-groups.js'
import {ListGroups} from '../protocol/messages/16-list-groups.js'
import {OffsetDelete} from '../protocol/messages/47-offset-delete.js'
import type {Cluster} from './cluster.js'
import {
  type CommittedOffset,
  commitOffsets,
  type Coordinator,
  fetchCommitted,
  findCoordinator,
  groupByTopic,
  type PartitionError,
  type PartitionOffset,
} from './group-coordinator.js'
import type {TopicPartition} from './group-member.js'

export interface GroupListing {
  groupId: string
  /** "consumer" for consumer groups, "" for groups only used for standalone commits. */
  protocolType: string
  /** Null when the broker's ListGroups is older than v4. */
  state: string | null
  /** "classic" or "consumer"; null before ListGroups v5. */
  type: string | null
}

export interface MemberDescription {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  /** As the broker saw it, e.g. /127.0.0.1. */
  clientHost: string
  assignment: TopicPartition[]
}

export interface GroupDescription {
  groupId: string
  /** Kafka's state names: Stable, Empty, PreparingRebalance, CompletingRebalance, Dead. */
  state: string
  protocolType: string
  /** The assignor the group chose (only known while Stable). */
  assignor: string
  members: MemberDescription[]
  coordinator: {nodeId: number; host: string; port: number}
  /** GROUP_ID_NOT_FOUND for a group that does not exist (the state is then Dead). */
  error?: KafkaError
}

export interface GroupResult {
  groupId: string
  error?: KafkaError
}

export class GroupAdmin {
  private readonly coordinators = new Map<string, Promise<Coordinator>>()

  constructor(private readonly cluster: Cluster) {}

  /** Every group on every broker, in the order the brokers answered; `states` filters (v4+). */
  async listGroups(opts: {states?: string[]} = {}): Promise<GroupListing[]> {
    const nodes = this.cluster.isLocal ? [-1] : await this.brokerIds()
    const answers = await Promise.all(
      nodes.map(async (nodeId) => {
        const connection = nodeId < 0 ? await this.cluster.anyBroker() : await this.cluster.connectionTo(nodeId)
        const version = connection.versionFor(ListGroups)
        const states = opts.states ?? []
        if (states.length > 0 && version < 4)
          throw new KafkaError(ErrorCode.UNSUPPORTED_VERSION, 'The broker cannot filter groups by state (ListGroups v4 is needed).')
        const response = await connection.request(ListGroups, {statesFilter: states, typesFilter: []})
        if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode)
        return response.groups.map((group) => ({
          groupId: group.groupId,
          protocolType: group.protocolType,
          state: version >= 4 ? group.groupState : null,
          type: version >= 5 ? group.groupType : null,
        }))
      }),
    )
    const seen = new Set<string>()
    return answers.flat().filter((group) => !seen.has(group.groupId) && seen.add(group.groupId))
  }

  /** Describes each group at its coordinator; a missing group is Dead with GROUP_ID_NOT_FOUND. */
  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const coordinator = await this.coordinatorOf(groupId)
        const response = await coordinator.connection.request(DescribeGroups, {groups: [groupId], includeAuthorizedOperations: false})
        const group = response.groups[0]
        const where = {nodeId: coordinator.nodeId, host: coordinator.host, port: coordinator.port}
        if (!group) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `DescribeGroups came back without group '${groupId}'.`)
        const missing = group.errorCode === ErrorCode.GROUP_ID_NOT_FOUND || (group.errorCode === ErrorCode.NONE && group.groupState === 'Dead')
        if (missing)
          return {groupId, state: 'Dead', protocolType: '', assignor: '', members: [], coordinator: where, error: new KafkaError(ErrorCode.GROUP_ID_NOT_FOUND, `Group '${groupId}' does not exist.`)}
        if (group.errorCode !== ErrorCode.NONE) throw new KafkaError(group.errorCode, group.errorMessage ?? undefined)
        const consumer = group.protocolType === 'consumer'
        return {
          groupId,
          state: group.groupState,
          protocolType: group.protocolType,
          assignor: group.protocolData,
          coordinator: where,
          members: group.members.map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId ?? null,
            clientId: member.clientId,
            clientHost: member.clientHost,
            assignment: consumer && member.memberAssignment.length > 0 ? assignedPartitions(member.memberAssignment) : [],
          })),
        }
      }),
    )
  }

  /** Every committed offset of the group, or those of `partitions` (-1 where there is none). */
  async committedOffsets(groupId: string, partitions: TopicPartition[] | null = null): Promise<CommittedOffset[]> {
    const coordinator = await this.coordinatorOf(groupId)
    return fetchCommitted(coordinator.connection, groupId, partitions)
  }

  /** Standalone commits (generation -1), as kafka-consumer-groups --reset-offsets --execute makes them. */
  async alterOffsets(groupId: string, offsets: PartitionOffset[]): Promise<PartitionError[]> {
    const coordinator = await this.coordinatorOf(groupId)
    return commitOffsets(coordinator.connection, {groupId, generationId: -1, memberId: '', groupInstanceId: null, offsets})
  }

  async deleteGroups(groupIds: string[]): Promise<GroupResult[]> {
    return Promise.all(
      groupIds.map(async (groupId) => {
        const coordinator = await this.coordinatorOf(groupId)
        const response = await coordinator.connection.request(DeleteGroups, {groupsNames: [groupId]})
        const result = response.results.find((entry) => entry.groupId === groupId)
        const code = result?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR
        return code === ErrorCode.NONE ? {groupId} : {groupId, error: new KafkaError(code)}
      }),
    )
  }

  /** OffsetDelete: a group-level error (not found, not empty) or per-partition results. */
  async deleteOffsets(
    groupId: string,
    partitions: TopicPartition[],
  ): Promise<{error?: KafkaError; partitions: Array<TopicPartition & {error?: KafkaError}>}> {
    const coordinator = await this.coordinatorOf(groupId)
    const response = await coordinator.connection.request(OffsetDelete, {
      groupId,
      topics: groupByTopic(partitions).map(({topic, partitions}) => ({name: topic, partitions: partitions.map((partitionIndex) => ({partitionIndex}))})),
    })
    if (response.errorCode !== ErrorCode.NONE) return {error: new KafkaError(response.errorCode), partitions: []}
    return {
      partitions: response.topics.flatMap((topic) =>
        topic.partitions.map((partition) => ({
          topic: topic.name,
          partition: partition.partitionIndex,
          ...(partition.errorCode === ErrorCode.NONE ? {} : {error: new KafkaError(partition.errorCode)}),
        })),
      ),
    }
  }

  private coordinatorOf(groupId: string): Promise<Coordinator> {
    let found = this.coordinators.get(groupId)
    if (!found) {
      found = findCoordinator(this.cluster, groupId)
      found.catch(() => this.coordinators.delete(groupId))
      this.coordinators.set(groupId, found)
    }
    return found
  }

  private async brokerIds(): Promise<number[]> {
    if (this.cluster.knownBrokers().length === 0) await this.cluster.refresh([])
    return this.cluster.knownBrokers().map((broker) => broker.nodeId)
  }
}

function assignedPartitions(payload: Buffer): TopicPartition[] {
  try {
    return decodeAssignment(payload).assignedPartitions.flatMap(({topic, partitions}) => partitions.map((partition) => ({topic, partition})))
  } catch {
    // A member speaking some other payload under the "consumer" type: show it without partitions.
    return []
  }
}
