/**
 * InitProducerId (22), v0-5. Without a transactional id (idempotent producers, Java's default)
 * every call gets a fresh producer id at epoch 0, as Kafka does; ids are never reused, even
 * across restarts. With one, the transaction coordinator hands out the id's producer and bumps
 * its epoch, fencing the previous producer (v3+ producers may name their current id and epoch,
 * KIP-360).
 */
import {ErrorCode} from '../../protocol/errors.js'
import {InitProducerId} from '../../protocol/messages/22-init-producer-id.js'
import {defineHandler} from '../handler.js'
import {fencedForVersion} from '../transactions/client-errors.js'

const NO_PRODUCER = -1

export const initProducerIdHandler = defineHandler({
  api: InitProducerId,
  async handle(request, ctx) {
    const refused = (errorCode: number) => ({throttleTimeMs: 0, errorCode, producerId: NO_PRODUCER, producerEpoch: NO_PRODUCER})
    const {producerId, producerEpoch} = request
    if ((producerId === NO_PRODUCER) !== (producerEpoch === NO_PRODUCER)) return refused(ErrorCode.INVALID_REQUEST)
    if (request.transactionalId !== null) {
      const expected = producerId === NO_PRODUCER ? null : {producerId, producerEpoch}
      const result = await ctx.broker.transactions.initProducerId(request.transactionalId, request.transactionTimeoutMs, expected)
      return {throttleTimeMs: 0, ...result, errorCode: fencedForVersion(result.errorCode, ctx.version >= 4)}
    }
    try {
      return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: await ctx.broker.nextProducerId(), producerEpoch: 0}
    } catch (error) {
      ctx.broker.logger.error(`Reserving producer ids failed: ${(error as Error).message}`)
      return refused(ErrorCode.UNKNOWN_SERVER_ERROR)
    }
  },
})
