/**
 * AddOffsetsToTxn (25), v0-4: a transactional producer adds a consumer group to its
 * transaction, so TxnOffsetCommit may stage that group's offsets in it.
 */
import {AddOffsetsToTxn} from '../../protocol/messages/25-add-offsets-to-txn.js'
import {defineHandler} from '../handler.js'
import {fencedForVersion} from '../transactions/client-errors.js'

export const addOffsetsToTxnHandler = defineHandler({
  api: AddOffsetsToTxn,
  async handle(request, ctx) {
    const errorCode = await ctx.broker.transactions.addOffsets(request.transactionalId, request.producerId, request.producerEpoch, request.groupId)
    return {throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.version >= 2)}
  },
})
