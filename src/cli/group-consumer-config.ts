/**
 * The console consumer's group settings from Kafka's consumer config names (--command-property
 * and --command-config, or their old names), checked with Kafka's wording: group.id agreeing
 * with --group, the assignor list, the timeouts a member runs by.
 */
import {assignorByName, DEFAULT_ASSIGNORS, knownAssignorNames} from '../client/assignors.js'
import type {GroupConsumerOptions} from '../client/group-consumer.js'
import {UsageError} from './errors.js'
import {booleanProperty} from './key-value-args.js'
import {integerProperty} from './numeric-property.js'

/**
 * The group to join: --group, or group.id from the properties; Kafka refuses the two when they
 * differ. Undefined means no group (the consumer assigns itself every partition).
 */
export function groupIdOf(flag: string | undefined, properties: ReadonlyMap<string, string>): string | undefined {
  const fromProperties = properties.get('group.id')
  if (flag !== undefined && fromProperties !== undefined && flag !== fromProperties)
    throw new UsageError(
      "The group ids provided in different places (directly using '--group', via '--consumer-property', or via '--consumer.config') do not match. " +
        `Detected group ids: '${flag}', '${fromProperties}'`,
    )
  const groupId = flag ?? fromProperties
  if (groupId !== undefined && groupId.trim() === '') throw new UsageError('The group id must not be empty.')
  return groupId
}

/** GroupConsumer options (without fetch settings) from Kafka's consumer configs. */
export function groupOptions(groupId: string, topics: string[], properties: ReadonlyMap<string, string>): GroupConsumerOptions {
  const sessionTimeoutMs = integerProperty(properties, 'session.timeout.ms', {min: 1}) ?? 45_000
  const heartbeatIntervalMs = integerProperty(properties, 'heartbeat.interval.ms', {min: 1}) ?? 3_000
  if (heartbeatIntervalMs >= sessionTimeoutMs)
    throw new UsageError('heartbeat.interval.ms must be set lower than session.timeout.ms')
  return {
    groupId,
    topics,
    groupInstanceId: properties.get('group.instance.id')?.trim() || null,
    sessionTimeoutMs,
    heartbeatIntervalMs,
    rebalanceTimeoutMs: integerProperty(properties, 'max.poll.interval.ms', {min: 1}) ?? 300_000,
    retryBackoffMs: integerProperty(properties, 'retry.backoff.ms', {min: 0}),
    rackId: properties.get('client.rack')?.trim() || null,
    assignors: assignorsOf(properties.get('partition.assignment.strategy')),
    autoCommit: booleanProperty(properties, 'enable.auto.commit', true),
    autoCommitIntervalMs: integerProperty(properties, 'auto.commit.interval.ms', {min: 0}) ?? 5_000,
  }
}

function assignorsOf(text: string | undefined) {
  const names = (text ?? DEFAULT_ASSIGNORS.join(','))
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  if (names.length === 0) throw new UsageError('partition.assignment.strategy names no assignor.')
  return names.map((name) => {
    const assignor = assignorByName(name)
    if (!assignor)
      throw new UsageError(
        `Invalid value ${name} for configuration partition.assignment.strategy: kbus has the assignors ${knownAssignorNames().join(', ')} (or their Java class names).`,
      )
    return assignor
  })
}
