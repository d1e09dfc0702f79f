import type {TopicDescription} from './client.js'

/**
 * kafka-topics --describe's summary line (`Topic: t  TopicId: …  PartitionCount: 3  …  Configs: a=1,b=2`),
 * printed alike by Kafka's tool and kbus's.
 */
export function parseTopicSummary(output: string): TopicDescription {
  const summary = output.split('\n').find((line) => line.includes('PartitionCount'))
  if (!summary) throw new Error(`describe printed no summary line: ${output.trim().slice(0, 300)}`)
  const configs: Record<string, string> = {}
  for (const pair of (/Configs:\s*(\S*)/.exec(summary)?.[1] ?? '').split(',').filter(Boolean)) {
    const at = pair.indexOf('=')
    configs[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return {partitions: Number(/PartitionCount:\s*(\d+)/.exec(summary)?.[1]), configs}
}
