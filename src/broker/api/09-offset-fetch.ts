/**
 * OffsetFetch (9), v1-9: one group up to v7 (all its offsets when topics is null, v2+), a batch
 * of groups from v8. A partition without a committed offset answers -1.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {OffsetFetch} from '../../protocol/messages/09-offset-fetch.js'
import {defineHandler} from '../handler.js'

export const offsetFetchHandler = defineHandler({
  api: OffsetFetch,
  async handle(request, ctx) {
    const {groups} = ctx.broker
    if (ctx.version >= 8) {
      return {
        throttleTimeMs: 0,
        groups: request.groups.map((group) => ({
          groupId: group.groupId,
          topics: groups.committed(group.groupId, group.topics),
          errorCode: ErrorCode.NONE,
        })),
      }
    }
    return {throttleTimeMs: 0, topics: groups.committed(request.groupId, request.topics), errorCode: ErrorCode.NONE}
  },
})
