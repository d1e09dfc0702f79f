/**
 * DescribeTopicPartitions (75), v0: what the Java admin uses to describe topics, paged by a
 * partition limit and a cursor. No topics named means every topic, in name order.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeTopicPartitions} from '../../protocol/messages/75-describe-topic-partitions.js'
import {defineHandler} from '../handler.js'
import {ZERO_UUID} from '../uuid.js'
import {describeTopic} from './03-metadata.js'

export const describeTopicPartitionsHandler = defineHandler({
  api: DescribeTopicPartitions,
  async handle(request, ctx) {
    const {broker} = ctx
    const names = (request.topics.length > 0 ? request.topics.map((t) => t.name) : broker.topics.all().map((t) => t.name)).sort()
    const cursor = request.cursor
    let budget = Math.max(1, request.responsePartitionLimit)
    const topics = []
    let nextCursor: {topicName: string; partitionIndex: number} | null = null
    for (const name of names) {
      if (cursor && name < cursor.topicName) continue
      const topic = broker.topics.get(name)
      if (!topic) {
        topics.push({errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, topicId: ZERO_UUID, isInternal: false, partitions: []})
        continue
      }
      const described = describeTopic(topic, broker)
      const first = cursor && name === cursor.topicName ? cursor.partitionIndex : 0
      const partitions = described.partitions.slice(first)
      if (partitions.length > budget) {
        nextCursor = {topicName: name, partitionIndex: first + budget}
        topics.push({...described, partitions: partitions.slice(0, budget).map(withElr)})
        break
      }
      budget -= partitions.length
      topics.push({...described, partitions: partitions.map(withElr)})
      if (budget === 0) {
        const next = names[names.indexOf(name) + 1]
        if (next !== undefined) nextCursor = {topicName: next, partitionIndex: 0}
        break
      }
    }
    return {throttleTimeMs: 0, topics, nextCursor}
  },
})

const withElr = <P extends object>(partition: P) => ({...partition, eligibleLeaderReplicas: [], lastKnownElr: []})
