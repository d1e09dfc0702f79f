/**
 * --include REGEX of console-consumer and consumer-perf-test: the non-internal topics whose whole
 * name matches (Kafka uses Java's Pattern.matches). A consumer that reads on also looks for new
 * matching topics every metadata.max.age.ms, as Kafka's pattern subscription does.
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
  const topics = await matching(cluster, pattern)
  if (topics.length === 0) throw new CliError(`No topic matches --include '${source}'.`, {hint: 'List the topics with `kbus topics --list`, or create one first.'})
  return topics
}

/** Kafka's default metadata.max.age.ms: how often a pattern subscription sees new topics. */
const DEFAULT_METADATA_MAX_AGE_MS = 300_000

/** Finds the topics that start matching after the command started, once every metadata.max.age.ms. */
export class NewTopicWatch {
  private readonly known: Set<string>
  private nextLookAt: number

  constructor(
    private readonly cluster: Cluster,
    private readonly pattern: RegExp,
    topics: readonly TopicMetadata[],
    private readonly intervalMs = DEFAULT_METADATA_MAX_AGE_MS,
  ) {
    this.known = new Set(topics.map((topic) => topic.name))
    this.nextLookAt = Date.now() + intervalMs
  }

  /** Matching topics not seen before; none when the interval has not passed since the last look. */
  async newTopics(): Promise<TopicMetadata[]> {
    if (Date.now() < this.nextLookAt) return []
    this.nextLookAt = Date.now() + this.intervalMs
    const found = (await matching(this.cluster, this.pattern)).filter((topic) => !this.known.has(topic.name) && topic.partitions.length > 0)
    for (const topic of found) this.known.add(topic.name)
    return found
  }

  /** Every matching topic seen so far. */
  get topics(): string[] {
    return [...this.known]
  }
}

/**
 * `poll`, first handing the topics `watch` finds (if any) to `follow`, which starts reading them;
 * `all` is every matching topic seen so far (what a group member subscribes to).
 */
export function pollingNewTopics<T>(
  poll: () => Promise<T>,
  watch: NewTopicWatch | undefined,
  follow: (added: TopicMetadata[], all: string[]) => Promise<void> | void,
): () => Promise<T> {
  if (!watch) return poll
  return async () => {
    const added = await watch.newTopics()
    if (added.length > 0) await follow(added, watch.topics)
    return poll()
  }
}

/** Every partition of `topics`, each to be read from `start`. */
export function partitionsOf<S>(topics: readonly TopicMetadata[], start: S): Array<{topic: string; partition: number; start: S}> {
  return topics.flatMap((topic) => topic.partitions.map(({partition}) => ({topic: topic.name, partition, start})))
}

function matching(cluster: Cluster, pattern: RegExp): Promise<TopicMetadata[]> {
  return cluster.refresh(null).then((topics) => topics.filter((topic) => !topic.isInternal && pattern.test(topic.name)))
}
