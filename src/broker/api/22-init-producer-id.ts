/**
 * InitProducerId (22), v0-5, for idempotent producers (Java's default): every call gets a fresh
 * producer id at epoch 0, as Kafka does when there is no transactional id; ids are never reused,
 * even across restarts. Transactions are not supported, and a transactional id is refused rather
 * than left to hang.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {InitProducerId} from '../../protocol/messages/22-init-producer-id.js'
import {defineHandler} from '../handler.js'

export const initProducerIdHandler = defineHandler({
  api: InitProducerId,
  async handle(request, ctx) {
    const refused = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: -1, producerEpoch: -1})
    if (request.transactionalId !== null) return refused(ErrorCode.INVALID_REQUEST)
    let producerId: number
    try {
      producerId = await ctx.broker.nextProducerId()
    } catch (error) {
      ctx.broker.logger.error(`Reserving producer ids failed: ${(error as Error).message}`)
      return refused(ErrorCode.UNKNOWN_SERVER_ERROR)
    }
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch: 0}
  },
})
