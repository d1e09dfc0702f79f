/**
 * --include REGEX of console-consumer and consumer-perf-test: the non-internal topics whose whole
 * name matches (Kafka uses Java's Pattern.matches), as they are when the command starts.
 */
import type {Cluster, TopicMetadata} from '../client/cluster.js'
import {CliError, UsageError} from './errors.js'

export function topicPattern(source: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`)
  } catch (error) {
    throw new UsageError(`Invalid --include '${source}': ${(error as Error).message}.`)
  }
}

/** The topics `pattern` (made by topicPattern from `source`) matches; an error when none does. */
export async function topicsMatching(cluster: Cluster, pattern: RegExp, source: string): Promise<TopicMetadata[]> {
  const topics = (await cluster.refresh(null)).filter((topic) => !topic.isInternal && pattern.test(topic.name))
  if (topics.length === 0) throw new CliError(`No topic matches --include '${source}'.`, {hint: 'List the topics with `kbus topics --list`, or create one first.'})
  return topics
}
