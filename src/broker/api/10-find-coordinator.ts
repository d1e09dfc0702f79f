/**
 * FindCoordinator (10), v0-6. kbus coordinates every group itself. Transaction and share-group
 * coordinators don't exist here: those keys get INVALID_REQUEST, a clear failure instead of
 * COORDINATOR_NOT_AVAILABLE, which clients would retry forever.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js'
import {defineHandler} from '../handler.js'

const GROUP_KEY_TYPE = 0

export const findCoordinatorHandler = defineHandler({
  api: FindCoordinator,
  async handle(request, ctx) {
    const {nodeId, advertised} = ctx.broker
    const served = request.keyType === GROUP_KEY_TYPE
    const answer = (key: string) =>
      served
        ? {key, nodeId, host: advertised.host, port: advertised.port, errorCode: ErrorCode.NONE, errorMessage: null}
        : {key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'kbus coordinates consumer groups only: transactions and share groups are not supported'}
    if (ctx.version >= 4) return {throttleTimeMs: 0, coordinators: request.coordinatorKeys.map(answer)}
    const single = answer(request.key)
    return {
      throttleTimeMs: 0,
      errorCode: single.errorCode,
      errorMessage: single.errorMessage,
      nodeId: single.nodeId,
      host: single.host,
      port: single.port,
    }
  },
})
