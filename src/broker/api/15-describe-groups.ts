/**
 * DescribeGroups (15), v0-6. Member metadata and assignments are shown only in Stable state, as
 * Kafka does. An unknown group is Dead with no error before v6, GROUP_ID_NOT_FOUND from v6.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeGroups} from '../../protocol/messages/15-describe-groups.js'
import {defineHandler} from '../handler.js'

const EMPTY = Buffer.alloc(0)

export const describeGroupsHandler = defineHandler({
  api: DescribeGroups,
  async handle(request, ctx) {
    return {
      throttleTimeMs: 0,
      groups: request.groups.map((groupId) => {
        const group = ctx.broker.groups.group(groupId)
        if (!group) {
          const missing = ctx.version >= 6
          return {
            errorCode: missing ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.NONE,
            errorMessage: missing ? `Group ${groupId} not found.` : null,
            groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [],
          }
        }
        const stable = group.state === 'Stable'
        return {
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          groupId,
          groupState: group.state,
          protocolType: group.protocolType ?? '',
          protocolData: stable ? (group.protocolName ?? '') : '',
          members: [...group.members.values()].map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId,
            clientId: member.clientId,
            clientHost: member.clientHost,
            memberMetadata: stable ? group.metadataFor(member) : EMPTY,
            memberAssignment: stable ? member.assignment : EMPTY,
          })),
        }
      }),
    }
  },
})
