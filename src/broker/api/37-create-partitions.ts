/** CreatePartitions (37), v0-3: grows topics; manual assignments may only name this broker. */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {CreatePartitions} from '../../protocol/messages/37-create-partitions.js'
import {defineHandler} from '../handler.js'

export const createPartitionsHandler = defineHandler({
  api: CreatePartitions,
  async handle(request, ctx) {
    const {broker} = ctx
    const results = []
    for (const {name, count, assignments} of request.topics) {
      try {
        const foreign = assignments?.flatMap((a) => a.brokerIds).find((id) => id !== broker.nodeId)
        if (foreign !== undefined)
          throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment includes broker ${foreign}, but no such broker is registered.`)
        if (assignments?.some((a) => a.brokerIds.length !== 1))
          throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'A single broker can hold one replica per partition.')
        await broker.topics.addPartitions(name, count, request.validateOnly)
        results.push({name, errorCode: ErrorCode.NONE, errorMessage: null})
      } catch (error) {
        const errorCode = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
        results.push({name, errorCode, errorMessage: (error as Error).message})
      }
    }
    return {throttleTimeMs: 0, results}
  },
})
