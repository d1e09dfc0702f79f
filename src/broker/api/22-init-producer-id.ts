/**
 * InitProducerId (22), v0-5, for idempotent producers (Java's default): every call gets a fresh
 * producer id at epoch 0, as Kafka does when there is no transactional id. Transactions are not
 * supported, and a transactional id is refused rather than left to hang.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {InitProducerId} from '../../protocol/messages/22-init-producer-id.js'
import {defineHandler} from '../handler.js'

export const initProducerIdHandler = defineHandler({
  api: InitProducerId,
  async handle(request, ctx) {
    if (request.transactionalId !== null)
      return {throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, producerId: -1, producerEpoch: -1}
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId: ctx.broker.nextProducerId(), producerEpoch: 0}
  },
})
