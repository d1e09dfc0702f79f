/**
 * DescribeProducers (61), v0: the idempotent producers a partition remembers, read from its
 * producer state (kafka-transactions describe-producers), with the first offset of a producer's
 * open transaction (-1 when none). kbus has one coordinator that never moves, so the coordinator
 * epoch is Kafka's "none", -1.
 */
import {ErrorCode, errorMessage} from '../../protocol/errors.js'
import {DescribeProducers} from '../../protocol/messages/61-describe-producers.js'
import type {ProducerEntry} from '../../storage/producer-state-table.js'
import {defineHandler} from '../handler.js'
import {topicNameProblem} from '../topic-name.js'
import type {Topic} from '../topics.js'

const NONE = -1

export const describeProducersHandler = defineHandler({
  api: DescribeProducers,
  async handle(request, ctx) {
    const topics = []
    for (const wanted of request.topics) {
      const topic = ctx.broker.topics.get(wanted.name)
      const problem = topicNameProblem(wanted.name)
      const partitions = []
      for (const partitionIndex of wanted.partitionIndexes) {
        if (problem) partitions.push(failure(partitionIndex, ErrorCode.INVALID_TOPIC_EXCEPTION, problem))
        else if (!topic) partitions.push(failure(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)))
        else partitions.push(await producersOf(topic, partitionIndex))
      }
      topics.push({name: wanted.name, partitions})
    }
    return {throttleTimeMs: 0, topics}
  },
})

function failure(partitionIndex: number, errorCode: number, message: string | null) {
  return {partitionIndex, errorCode, errorMessage: message, activeProducers: []}
}

/** A partition number past the topic's end gets UNKNOWN_TOPIC_OR_PARTITION with no message, as from Kafka. */
async function producersOf(topic: Topic, partitionIndex: number) {
  const partition = topic.partitions[partitionIndex]
  if (!partition) return failure(partitionIndex, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null)
  const state = await partition.log.producerState()
  return {partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null, activeProducers: state.entries().map(describeProducer)}
}

function describeProducer(entry: ProducerEntry) {
  const newest = entry.batches.at(-1)
  return {
    producerId: entry.producerId,
    producerEpoch: entry.epoch,
    lastSequence: newest ? newest.lastSeq : NONE,
    lastTimestamp: entry.lastTimestamp,
    coordinatorEpoch: NONE,
    currentTxnStartOffset: entry.currentTxnFirstOffset ?? NONE,
  }
}
