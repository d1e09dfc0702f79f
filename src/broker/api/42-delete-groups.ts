/** DeleteGroups (42), v0-2: only groups without members; their offsets go with them. */
import {DeleteGroups} from '../../protocol/messages/42-delete-groups.js'
import {defineHandler} from '../handler.js'

export const deleteGroupsHandler = defineHandler({
  api: DeleteGroups,
  async handle(request, ctx) {
    const results = []
    for (const groupId of request.groupsNames) results.push({groupId, errorCode: await ctx.broker.groups.deleteGroup(groupId)})
    return {throttleTimeMs: 0, results}
  },
})
