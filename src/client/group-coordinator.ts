/**
 * What a group member and the group admin share: finding a group's coordinator, and reading
 * and writing committed offsets there (OffsetFetch in both its single-group v1-7 and batched
 * v8+ shapes, OffsetCommit). Errors stay per partition so each caller decides what they mean.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {OffsetCommit} from '../protocol/messages/08-offset-commit.js'
import {OffsetFetch} from '../protocol/messages/09-offset-fetch.js'
import {FindCoordinator} from '../protocol/messages/10-find-coordinator.js'
import type {Cluster} from './cluster.js'
import type {BrokerConnection} from './connection.js'

export interface Coordinator {
  nodeId: number
  host: string
  port: number
  connection: BrokerConnection
}

export interface PartitionOffset {
  topic: string
  partition: number
  offset: number
}

export interface CommittedOffset extends PartitionOffset {
  /** -1 when the group has no offset for the partition. */
  leaderEpoch: number
  metadata: string
}

export interface PartitionError {
  topic: string
  partition: number
  error: KafkaError
}

const KEY_TYPES = {group: 0, transaction: 1} as const
const FIND_ATTEMPTS = 10
const RETRY_BACKOFF_MS = 100

/**
 * FindCoordinator for a group (or, with `kind` 'transaction', a transactional id), asked again
 * while the coordinator is loading or moving.
 */
export async function findCoordinator(cluster: Cluster, key: string, kind: keyof typeof KEY_TYPES = 'group'): Promise<Coordinator> {
  const what = kind === 'group' ? `group '${key}'` : `transactional id '${key}'`
  for (let attempt = 1; ; attempt++) {
    const connection = await cluster.anyBroker()
    const batched = connection.versionFor(FindCoordinator) >= 4
    const response = await connection.request(FindCoordinator, {key, keyType: KEY_TYPES[kind], coordinatorKeys: [key]})
    const answer = batched
      ? response.coordinators[0]
      : {nodeId: response.nodeId, host: response.host, port: response.port, errorCode: response.errorCode, errorMessage: response.errorMessage}
    if (!answer) throw new KafkaError(ErrorCode.COORDINATOR_NOT_AVAILABLE, `No coordinator found for ${what}.`)
    if (answer.errorCode === ErrorCode.NONE) {
      if (!cluster.isLocal && !cluster.knownBrokers().some((broker) => broker.nodeId === answer.nodeId)) await cluster.refresh([])
      const connection = await cluster.connectionTo(answer.nodeId, 'coordinator')
      return {nodeId: answer.nodeId, host: answer.host, port: answer.port, connection}
    }
    if (!isCoordinatorMoving(answer.errorCode) || attempt >= FIND_ATTEMPTS)
      throw new KafkaError(answer.errorCode, answer.errorMessage || `Finding the coordinator of ${what}: ${new KafkaError(answer.errorCode).message}`)
    await sleep(RETRY_BACKOFF_MS * attempt)
  }
}

/** Errors after which the coordinator must be looked up again. */
export function isCoordinatorMoving(code: number): boolean {
  return code === ErrorCode.COORDINATOR_NOT_AVAILABLE || code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
}

/**
 * The group's committed offsets for `partitions` (null = every partition it has an offset for).
 * A partition without one comes back with offset -1. A group-level error is thrown.
 */
export async function fetchCommitted(
  connection: BrokerConnection,
  groupId: string,
  partitions: ReadonlyArray<{topic: string; partition: number}> | null,
): Promise<CommittedOffset[]> {
  const topics = partitions === null ? null : groupByTopic(partitions).map(({topic, partitions}) => ({name: topic, partitionIndexes: partitions}))
  const batched = connection.versionFor(OffsetFetch) >= 8
  const response = await connection.request(OffsetFetch, {
    groupId,
    topics,
    groups: [{groupId, memberId: null, memberEpoch: -1, topics}],
    requireStable: false,
  })
  const group = batched ? response.groups[0] : {topics: response.topics, errorCode: response.errorCode}
  if (!group) throw new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `OffsetFetch for group '${groupId}' came back without the group.`)
  if (group.errorCode !== ErrorCode.NONE) throw new KafkaError(group.errorCode, `Fetching offsets of group '${groupId}': ${new KafkaError(group.errorCode).message}`)
  const result: CommittedOffset[] = []
  for (const topic of group.topics)
    for (const partition of topic.partitions) {
      if (partition.errorCode !== ErrorCode.NONE)
        throw new KafkaError(partition.errorCode, `Fetching the offset of ${topic.name}-${partition.partitionIndex} for group '${groupId}': ${new KafkaError(partition.errorCode).message}`)
      result.push({
        topic: topic.name,
        partition: partition.partitionIndex,
        offset: partition.committedOffset,
        leaderEpoch: partition.committedLeaderEpoch,
        metadata: partition.metadata ?? '',
      })
    }
  return result
}

export interface CommitRequest {
  groupId: string
  /** -1 with an empty member id: a standalone commit (only allowed while the group is empty). */
  generationId: number
  memberId: string
  groupInstanceId: string | null
  offsets: readonly PartitionOffset[]
}

/** OffsetCommit; resolves with the partitions the coordinator refused (empty when all were stored). */
export async function commitOffsets(connection: BrokerConnection, request: CommitRequest): Promise<PartitionError[]> {
  if (request.offsets.length === 0) return []
  const offsetOf = new Map(request.offsets.map((entry) => [`${entry.topic}\0${entry.partition}`, entry.offset]))
  const response = await connection.request(OffsetCommit, {
    groupId: request.groupId,
    generationIdOrMemberEpoch: request.generationId,
    memberId: request.memberId,
    groupInstanceId: request.groupInstanceId,
    topics: groupByTopic(request.offsets).map(({topic, partitions}) => ({
      name: topic,
      partitions: partitions.map((partition) => ({
        partitionIndex: partition,
        committedOffset: offsetOf.get(`${topic}\0${partition}`)!,
        committedLeaderEpoch: -1,
        committedMetadata: '',
      })),
    })),
  })
  const refused: PartitionError[] = []
  for (const topic of response.topics)
    for (const partition of topic.partitions)
      if (partition.errorCode !== ErrorCode.NONE)
        refused.push({topic: topic.name, partition: partition.partitionIndex, error: new KafkaError(partition.errorCode)})
  return refused
}

/** Topic → ascending partitions, topics in first-seen order. */
export function groupByTopic(partitions: ReadonlyArray<{topic: string; partition: number}>): Array<{topic: string; partitions: number[]}> {
  const byTopic = new Map<string, number[]>()
  for (const {topic, partition} of partitions) {
    let list = byTopic.get(topic)
    if (!list) byTopic.set(topic, (list = []))
    if (!list.includes(partition)) list.push(partition)
  }
  return [...byTopic].map(([topic, list]) => ({topic, partitions: list.sort((a, b) => a - b)}))
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
