/**
 * OffsetCommit (8), v2-9. Offsets are answered only once they are on disk. Generation -1 with no
 * member is a standalone commit (reset-offsets, assign()-based consumers), accepted while the
 * group has no members.
 */
import {OffsetCommit} from '../../protocol/messages/08-offset-commit.js'
import {defineHandler} from '../handler.js'

export const offsetCommitHandler = defineHandler({
  api: OffsetCommit,
  async handle(request, ctx) {
    const topics = await ctx.broker.groups.commit({
      groupId: request.groupId,
      generationId: request.generationIdOrMemberEpoch,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      topics: request.topics,
      groupIdNotFoundCode: ctx.version >= 9,
    })
    return {throttleTimeMs: 0, topics}
  },
})
