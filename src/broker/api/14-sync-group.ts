/** SyncGroup (14), v0-5: the leader hands out assignments; every member gets its own. */
import {SyncGroup} from '../../protocol/messages/14-sync-group.js'
import {defineHandler} from '../handler.js'

export const syncGroupHandler = defineHandler({
  api: SyncGroup,
  async handle(request, ctx) {
    const outcome = await ctx.broker.groups.sync({
      groupId: request.groupId,
      generationId: request.generationId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      protocolType: request.protocolType,
      protocolName: request.protocolName,
      assignments: request.assignments,
    })
    return {throttleTimeMs: 0, ...outcome}
  },
})
