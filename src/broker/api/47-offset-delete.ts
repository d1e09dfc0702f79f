/** OffsetDelete (47), v0: removes committed offsets of a group that has no members. */
import {OffsetDelete} from '../../protocol/messages/47-offset-delete.js'
import {defineHandler} from '../handler.js'

export const offsetDeleteHandler = defineHandler({
  api: OffsetDelete,
  async handle(request, ctx) {
    const result = await ctx.broker.groups.deleteOffsets(
      request.groupId,
      request.topics.map((topic) => ({name: topic.name, partitions: topic.partitions.map((p) => p.partitionIndex)})),
    )
    return {throttleTimeMs: 0, ...result}
  },
})
