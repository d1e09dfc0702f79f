/**
 * FindCoordinator (10), v0-6. kbus is the coordinator of every consumer group and every
 * transactional id (key types 0 and 1). Share groups (2) don't exist here: they get
 * INVALID_REQUEST, a clear failure instead of COORDINATOR_NOT_AVAILABLE, which clients would
 * retry forever.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {FindCoordinator} from '../../protocol/messages/10-find-coordinator.js'
import {defineHandler} from '../handler.js'

const GROUP_KEY_TYPE = 0
const TRANSACTION_KEY_TYPE = 1

export const findCoordinatorHandler = defineHandler({
  api: FindCoordinator,
  async handle(request, ctx) {
    const {nodeId, advertised} = ctx.broker
    const served = request.keyType === GROUP_KEY_TYPE || request.keyType === TRANSACTION_KEY_TYPE
    const answer = (key: string) =>
      served
        ? {key, nodeId, host: advertised.host, port: advertised.port, errorCode: ErrorCode.NONE, errorMessage: null}
        : {key, nodeId: -1, host: '', port: -1, errorCode: ErrorCode.INVALID_REQUEST,
            errorMessage: 'kbus coordinates consumer groups and transactions only: share groups are not supported'}
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
