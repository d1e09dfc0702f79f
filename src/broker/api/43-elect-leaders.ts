/**
 * ElectLeaders (43), v0-2 (kafka-leader-election): with one broker every partition already has
 * its preferred leader, and a leader at all, so no election is ever needed. As Kafka's controller
 * answers, each named partition gets ELECTION_NOT_NEEDED, and a request for every partition (null)
 * lists each topic with no partition results: partitions that need nothing are left out.
 */
import {ErrorCode, errorMessage} from '../../protocol/errors.js'
import {ElectLeaders} from '../../protocol/messages/43-elect-leaders.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'

const PREFERRED = 0
const UNCLEAN = 1

export const electLeadersHandler = defineHandler({
  api: ElectLeaders,
  async handle(request, ctx) {
    const {electionType, topicPartitions} = request
    if (electionType !== PREFERRED && electionType !== UNCLEAN) {
      const message = `Unknown election type ${electionType}`
      return {
        throttleTimeMs: 0,
        errorCode: ErrorCode.INVALID_REQUEST,
        replicaElectionResults: (topicPartitions ?? []).map(({topic, partitions}) => ({
          topic,
          partitionResult: partitions.map((partitionId) => ({partitionId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: message})),
        })),
      }
    }
    if (topicPartitions === null) {
      const replicaElectionResults = ctx.broker.topics.all().map((topic) => ({topic: topic.name, partitionResult: []}))
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults}
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      replicaElectionResults: topicPartitions.map(({topic, partitions}) => ({
        topic,
        partitionResult: partitions.map((partitionId) => ({partitionId, ...electionNeeded(ctx.broker, topic, partitionId)})),
      })),
    }
  },
})

function electionNeeded(broker: BrokerCore, topicName: string, partitionId: number): {errorCode: number; errorMessage: string} {
  const topic = broker.topics.get(topicName)
  if (!topic) return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such topic as ${topicName}`}
  if (!topic.partitions[partitionId])
    return {errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: `No such partition as ${topicName}-${partitionId}`}
  return {errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: errorMessage(ErrorCode.ELECTION_NOT_NEEDED)}
}
