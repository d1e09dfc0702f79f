/**
 * EndTxn (26), v0-4: commits or aborts a transaction. Answered once the markers are in every
 * partition of the transaction and a commit's offsets are in their groups.
 */
import {EndTxn} from '../../protocol/messages/26-end-txn.js'
import {defineHandler} from '../handler.js'
import {fencedForVersion} from '../transactions/client-errors.js'

export const endTxnHandler = defineHandler({
  api: EndTxn,
  async handle(request, ctx) {
    const errorCode = await ctx.broker.transactions.endTxn(request.transactionalId, request.producerId, request.producerEpoch, request.committed)
    return {throttleTimeMs: 0, errorCode: fencedForVersion(errorCode, ctx.version >= 2)}
  },
})
