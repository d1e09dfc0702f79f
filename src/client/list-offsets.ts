/**
 * ListOffsets to each partition's leader: the log start (-2), the log end (-1), or the first
 * offset whose timestamp is at or after a given time. What the fetcher starts from, and what
 * consumer-groups computes lag and offset resets with.
 */
import {KafkaError} from '../protocol/errors.js'
import {Admin} from './admin.js'
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
  for (const answer of await new Admin(cluster).listOffsetsAt([...queries], {isolationLevel})) {
    if (answer.error)
      throw new KafkaError(answer.error.code, `Listing offsets of ${answer.topic}-${answer.partition}: ${answer.error.message}`)
    result.set(partitionKey(answer.topic, answer.partition), {offset: answer.offset, timestamp: answer.timestamp})
  }
  return result
}
