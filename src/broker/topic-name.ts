/** Kafka's topic name rules (org.apache.kafka.common.internals.Topic), with Kafka's messages. */
export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

export const INTERNAL_TOPICS: ReadonlySet<string> = new Set(['__consumer_offsets', '__transaction_state'])

/** Why `name` is not a valid topic name, as Kafka words it; null when it is valid. */
export function topicNameProblem(name: string): string | null {
  let reason: string | null = null
  if (name.length === 0) reason = 'the empty string is not allowed'
  else if (name === '.') reason = "'.' is not allowed"
  else if (name === '..') reason = "'..' is not allowed"
  else if (name.length > MAX_TOPIC_NAME_LENGTH)
    reason = `the length of '${name}' is longer than the max allowed length ${MAX_TOPIC_NAME_LENGTH}`
  else if (!LEGAL.test(name))
    reason = `'${name}' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'`
  return reason === null ? null : `Topic name is invalid: ${reason}`
}

/** Names that differ only in '.' versus '_' collide in Kafka's metric names, so Kafka refuses them. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_')
}
