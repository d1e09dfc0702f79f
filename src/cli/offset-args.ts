/**
 * kafka-get-offsets' arguments: `--time` (names or special numbers, or a timestamp in ms), and
 * which partitions to ask about: `--topic` (a regular expression that must match the whole
 * name) with `--partitions 0,1`, or `--topic-partitions 'orders:0-3,audit,:5-'`.
 */
import type {OffsetQuery, TopicPartitionRef} from '../client/admin.js'
import {UsageError} from './errors.js'

const MALFORMED_TIME =
  'Please use -1 or latest / -2 or earliest / -3 or max-timestamp / -4 or earliest-local, or a specified long format timestamp'

export function parseTimeSpec(text: string): OffsetQuery {
  switch (text) {
    case 'latest':
    case '-1':
      return 'latest'
    case 'earliest':
    case '-2':
    // kbus keeps every segment locally (no tiered storage), so the local log start is the log start.
    case 'earliest-local':
    case '-4':
      return 'earliest'
    case 'max-timestamp':
    case '-3':
      return 'max-timestamp'
    case 'latest-tiered':
    case '-5':
    case 'earliest-pending-upload':
    case '-6':
      throw new UsageError(`--time ${text} asks about tiered storage, which kbus does not have.`, MALFORMED_TIME)
    default:
      if (!/^[+-]?\d+$/.test(text)) throw new UsageError(`Malformed time argument ${text}. ${MALFORMED_TIME}`)
      return {timestamp: Number(text)}
  }
}

/** Which topics and partitions a get-offsets run covers. */
export interface PartitionFilter {
  topicAllowed(topic: string): boolean
  partitionAllowed(partition: TopicPartitionRef): boolean
}

/**
 * Kafka's topic include list: a regular expression matched against the whole name, after
 * commas become alternatives and spaces and surrounding quotes are dropped.
 */
export function topicPattern(text: string): RegExp {
  const cleaned = text.trim().replaceAll(',', '|').replaceAll(' ', '').replace(/^["']+/, '').replace(/["']+$/, '')
  try {
    return new RegExp(`^(?:${cleaned})$`)
  } catch (error) {
    throw new UsageError(`Invalid topic pattern ${text}: ${(error as Error).message}`)
  }
}

/** `--topic` (default: every topic) and `--partitions 0,1,2` (default: every partition). */
export function topicAndPartitionsFilter(topic: string | undefined, partitions: string | undefined): PartitionFilter {
  const pattern = topicPattern(topic ?? '.*')
  const wanted = partitions ? partitionSet(partitions) : null
  return {
    topicAllowed: (name) => pattern.test(name),
    partitionAllowed: (p) => pattern.test(p.topic) && (wanted === null || wanted.has(p.partition)),
  }
}

function partitionSet(text: string): Set<number> {
  const ids = text.split(',').map((id) => id.trim())
  if (!ids.every((id) => /^\d+$/.test(id)))
    throw new UsageError(`--partitions expects a comma separated list of numeric partition ids, but received: ${text}`)
  return new Set(ids.map(Number))
}

/** One `--topic-partitions` rule: `topicRegex`, `topicRegex:N`, `:N-M` (M exclusive), `N-`, `-M`. */
const RULE = /^([^:,]*)(?::(?:([0-9]*)|(?:([0-9]*)-([0-9]*))))?$/

export function topicPartitionsFilter(text: string): PartitionFilter {
  const rules = text.split(',').map((spec) => {
    const match = RULE.exec(spec)
    if (!match) throw new UsageError(`Invalid rule specification: ${spec}`)
    const [, topic, single, low, high] = match
    const pattern = topicPattern(topic || '.*')
    const inRange = single
      ? (partition: number) => partition === Number(single)
      : (partition: number) => partition >= (low ? Number(low) : 0) && partition < (high ? Number(high) : Number.MAX_SAFE_INTEGER)
    return {pattern, inRange}
  })
  return {
    topicAllowed: (name) => rules.some((rule) => rule.pattern.test(name)),
    partitionAllowed: (p) => rules.some((rule) => rule.pattern.test(p.topic) && rule.inRange(p.partition)),
  }
}

/** Kafka sorts get-offsets lines by "topic-partition" text, so partition 10 comes before 2. */
export function compareAsKafkaPrints(a: TopicPartitionRef, b: TopicPartitionRef): number {
  const left = `${a.topic}-${a.partition}`
  const right = `${b.topic}-${b.partition}`
  return left < right ? -1 : left > right ? 1 : 0
}
