/** ListGroups (16), v0-5, with the state filter (v4+) and type filter (v5+; every kbus group is classic). */
import {ErrorCode} from '../../protocol/errors.js'
import {ListGroups} from '../../protocol/messages/16-list-groups.js'
import {defineHandler} from '../handler.js'

export const listGroupsHandler = defineHandler({
  api: ListGroups,
  async handle(request, ctx) {
    const states = new Set(request.statesFilter.map((state) => state.toLowerCase()))
    const types = new Set(request.typesFilter.map((type) => type.toLowerCase()))
    const groups = ctx.broker.groups
      .list()
      .filter((group) => states.size === 0 || states.has(group.state.toLowerCase()))
      .filter(() => types.size === 0 || types.has('classic'))
      .map((group) => ({groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: 'classic'}))
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, groups}
  },
})
