/**
 * ListOffsets to each partition's leader: the log start (-2), the log end (-1), or the first
 * offset whose timestamp is at or after a given time. What the fetcher starts from, and what
 * consumer-groups computes lag and offset resets with.
 */
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {ListOffsets} from '../protocol/messages/02-list-offsets.js'
import type {Cluster} from './cluster.js'

export const EARLIEST_TIMESTAMP = -2
export const LATEST_TIMESTAMP = -1

export interface OffsetQuery {
  topic: string
  partition: number
  /** EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, or a time in ms. */
  timestamp: number
}

/** Offset -1 means no record at or after the time asked for. */
export interface OffsetAnswer {
  offset: number
  timestamp: number
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`
}

/** Answers keyed by partitionKey(); a partition-level error is thrown, naming the partition. */
export async function listOffsets(
  cluster: Cluster,
  queries: readonly OffsetQuery[],
  isolationLevel: 0 | 1 = 0,
): Promise<Map<string, OffsetAnswer>> {
  const result = new Map<string, OffsetAnswer>()
  const byLeader = new Map<number, OffsetQuery[]>()
  for (const query of queries) {
    const leader = cluster.leaderOf(query.topic, query.partition)
    if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `No leader for ${query.topic}-${query.partition}.`)
    let list = byLeader.get(leader)
    if (!list) byLeader.set(leader, (list = []))
    list.push(query)
  }
  await Promise.all(
    [...byLeader].map(async ([leader, entries]) => {
      const connection = await cluster.connectionTo(leader)
      const topics = new Map<string, OffsetQuery[]>()
      for (const entry of entries) {
        let list = topics.get(entry.topic)
        if (!list) topics.set(entry.topic, (list = []))
        list.push(entry)
      }
      const response = await connection.request(ListOffsets, {
        replicaId: -1,
        isolationLevel,
        topics: [...topics].map(([name, list]) => ({
          name,
          partitions: list.map((entry) => ({partitionIndex: entry.partition, timestamp: entry.timestamp})),
        })),
        timeoutMs: 30_000,
      })
      for (const topic of response.topics)
        for (const partition of topic.partitions) {
          if (partition.errorCode !== ErrorCode.NONE)
            throw new KafkaError(
              partition.errorCode,
              `Listing offsets of ${topic.name}-${partition.partitionIndex}: ${new KafkaError(partition.errorCode).message}`,
            )
          result.set(partitionKey(topic.name, partition.partitionIndex), {offset: partition.offset, timestamp: partition.timestamp})
        }
    }),
  )
  return result
}
