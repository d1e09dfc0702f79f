/** LeaveGroup (13), v0-5: one member up to v2, a batch of members (by id or instance id) from v3. */
import {LeaveGroup} from '../../protocol/messages/13-leave-group.js'
import {defineHandler} from '../handler.js'

export const leaveGroupHandler = defineHandler({
  api: LeaveGroup,
  async handle(request, ctx) {
    const leaving = ctx.version >= 3 ? request.members : [{memberId: request.memberId, groupInstanceId: null}]
    const result = ctx.broker.groups.leave(request.groupId, leaving)
    if (ctx.version >= 3) return {throttleTimeMs: 0, ...result}
    return {throttleTimeMs: 0, errorCode: result.members[0]?.errorCode ?? result.errorCode}
  },
})
