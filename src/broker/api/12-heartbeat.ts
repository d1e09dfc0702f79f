/** Heartbeat (12), v0-4: keeps a member's session alive and tells it when to rejoin. */
import {Heartbeat} from '../../protocol/messages/12-heartbeat.js'
import {defineHandler} from '../handler.js'

export const heartbeatHandler = defineHandler({
  api: Heartbeat,
  async handle(request, ctx) {
    const errorCode = ctx.broker.groups.heartbeat(request.groupId, request.generationId, request.memberId, request.groupInstanceId)
    return {throttleTimeMs: 0, errorCode}
  },
})
