/**
 * kafka-topics --describe output, line for line (Kafka 3.9/4.0 layout with the ELR columns),
 * and the JSON shape `--json` gives scripts instead.
 */
import type {TopicDescription} from '../client/admin.js'
import {ZERO_TOPIC_ID} from '../client/cluster.js'

export function describeLines(topic: TopicDescription): string[] {
  const configs = topic.configs.map((entry) => `${entry.name}=${entry.value ?? 'null'}`).join(',')
  const summary = [
    `Topic: ${topic.name}`,
    ...(topic.topicId === ZERO_TOPIC_ID ? [] : [`TopicId: ${topic.topicId}`]),
    `PartitionCount: ${topic.partitions.length}`,
    `ReplicationFactor: ${topic.replicationFactor}`,
    `Configs: ${configs}`,
  ].join('\t')
  const partitions = topic.partitions.map((partition) =>
    [
      '',
      `Topic: ${topic.name}`,
      `Partition: ${partition.partition}`,
      `Leader: ${partition.leader >= 0 ? partition.leader : 'none'}`,
      `Replicas: ${partition.replicas.join(',')}`,
      `Isr: ${partition.isr.join(',')}`,
      // Kafka 3.8+ against a KRaft broker: no eligible leader replicas on a healthy topic.
      'Elr: ',
      'LastKnownElr: ',
    ].join('\t'),
  )
  return [summary, ...partitions]
}

export interface TopicJson {
  name: string
  topicId: string | null
  internal: boolean
  partitionCount: number
  replicationFactor: number
  configs: Record<string, string | null>
  partitions: Array<{partition: number; leader: number | null; replicas: number[]; isr: number[]}>
}

export function topicJson(topic: TopicDescription): TopicJson {
  return {
    name: topic.name,
    topicId: topic.topicId === ZERO_TOPIC_ID ? null : topic.topicId,
    internal: topic.isInternal,
    partitionCount: topic.partitions.length,
    replicationFactor: topic.replicationFactor,
    configs: Object.fromEntries(topic.configs.map((entry) => [entry.name, entry.value])),
    partitions: topic.partitions.map((p) => ({
      partition: p.partition,
      leader: p.leader >= 0 ? p.leader : null,
      replicas: p.replicas,
      isr: p.isr,
    })),
  }
}

/** Kafka's `--topic a,b`: a comma-separated list (kbus matches names exactly, never as a regex). */
export function topicList(flag: string | undefined): string[] | null {
  if (flag === undefined) return null
  return flag
    .split(',')
    .map((name) => name.trim().replace(/^(["'])(.*)\1$/, '$2'))
    .filter((name) => name !== '')
}
