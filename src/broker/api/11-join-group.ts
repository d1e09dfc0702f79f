/**
 * JoinGroup (11), v0-9. v4+ dynamic members first get MEMBER_ID_REQUIRED with their id (KIP-394);
 * v0 has no rebalance timeout, so the session timeout stands in. The protocol name is null on
 * errors from v7, "" before, as Kafka's JoinGroupResponse coerces it.
 */
import {JoinGroup} from '../../protocol/messages/11-join-group.js'
import {defineHandler} from '../handler.js'
import {clientHost} from './client-host.js'

export const joinGroupHandler = defineHandler({
  api: JoinGroup,
  async handle(request, ctx) {
    const outcome = await ctx.broker.groups.join({
      groupId: request.groupId,
      memberId: request.memberId,
      groupInstanceId: request.groupInstanceId,
      clientId: ctx.clientId ?? '',
      clientHost: clientHost(ctx.conn),
      sessionTimeoutMs: request.sessionTimeoutMs,
      rebalanceTimeoutMs: ctx.version >= 1 ? request.rebalanceTimeoutMs : request.sessionTimeoutMs,
      protocolType: request.protocolType,
      protocols: request.protocols,
      requireKnownMemberId: ctx.version >= 4,
    })
    return {
      throttleTimeMs: 0,
      ...outcome,
      protocolName: ctx.version >= 7 ? outcome.protocolName : (outcome.protocolName ?? ''),
      skipAssignment: false,
    }
  },
})
