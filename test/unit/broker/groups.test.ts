import {afterEach, describe, expect, it, vi} from 'vitest'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {OffsetCommit} from '../../../src/protocol/messages/08-offset-commit.js'
import {OffsetFetch} from '../../../src/protocol/messages/09-offset-fetch.js'
import {FindCoordinator} from '../../../src/protocol/messages/10-find-coordinator.js'
import {JoinGroup} from '../../../src/protocol/messages/11-join-group.js'
import {Heartbeat} from '../../../src/protocol/messages/12-heartbeat.js'
import {LeaveGroup} from '../../../src/protocol/messages/13-leave-group.js'
import {SyncGroup} from '../../../src/protocol/messages/14-sync-group.js'
import {DescribeGroups} from '../../../src/protocol/messages/15-describe-groups.js'
import {ListGroups} from '../../../src/protocol/messages/16-list-groups.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DeleteGroups} from '../../../src/protocol/messages/42-delete-groups.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
afterEach(async () => {
  vi.useRealTimers()
  await t.close()
})

async function open(overrides: Record<string, string> = {}) {
  t = await openTestBroker({'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '100', ...overrides})
  await t.call(CreateTopics, 7, {topics: [{name: 'orders', numPartitions: 4, replicationFactor: 1}]})
}

const protocols = [{name: 'range', metadata: Buffer.from('sub')}]

function join(memberId: string, sessionTimeoutMs = 10_000) {
  return t.call(JoinGroup, 5, {
    groupId: 'g', sessionTimeoutMs, rebalanceTimeoutMs: 5_000, memberId, protocolType: 'consumer', protocols,
  })
}

/** The two-step join of a v4+ dynamic member: MEMBER_ID_REQUIRED, then the real join. */
async function joinNew(sessionTimeoutMs = 10_000) {
  const first = await join('', sessionTimeoutMs)
  expect(first.errorCode).toBe(ErrorCode.MEMBER_ID_REQUIRED)
  return {memberId: first.memberId, joined: join(first.memberId, sessionTimeoutMs)}
}

const sync = (memberId: string, generationId: number, assignments: {memberId: string; assignment: Buffer}[] = []) =>
  t.call(SyncGroup, 3, {groupId: 'g', generationId, memberId, assignments})

const heartbeat = (memberId: string, generationId: number) =>
  t.call(Heartbeat, 3, {groupId: 'g', generationId, memberId}).then((response) => response.errorCode)

const commit = (memberId: string, generationId: number, offset: number, version = 5) =>
  t.call(OffsetCommit, version, {
    groupId: 'g', generationIdOrMemberEpoch: generationId, memberId,
    topics: [{name: 'orders', partitions: [{partitionIndex: 0, committedOffset: offset, committedMetadata: ''}]}],
  }).then((response) => response.topics[0].partitions[0].errorCode)

const committed = async () => {
  const response = await t.call(OffsetFetch, 5, {groupId: 'g', topics: [{name: 'orders', partitionIndexes: [0, 1]}]})
  return response.topics[0].partitions.map((p) => p.committedOffset)
}

const waitUntil = async (check: () => Promise<boolean>) => {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('group coordinator', () => {
  it('coordinates a group itself and refuses share-group coordinators', async () => {
    await open()
    const group = await t.call(FindCoordinator, 2, {key: 'g', keyType: 0})
    expect(group).toMatchObject({errorCode: 0, nodeId: 1})
    const batched = await t.call(FindCoordinator, 6, {keyType: 2, coordinatorKeys: ['share']})
    expect(batched.coordinators[0].errorCode).toBe(ErrorCode.INVALID_REQUEST)
  })

  it('takes one member through join, sync, heartbeat, commit and leave', async () => {
    await open()
    const {memberId, joined} = await joinNew()
    const join1 = await joined
    expect(join1).toMatchObject({errorCode: 0, generationId: 1, leader: memberId, protocolName: 'range'})
    expect(join1.members).toEqual([{memberId, groupInstanceId: null, metadata: Buffer.from('sub')}])
    const synced = await sync(memberId, 1, [{memberId, assignment: Buffer.from('all')}])
    expect(synced).toMatchObject({errorCode: 0, assignment: Buffer.from('all')})
    expect(await heartbeat(memberId, 1)).toBe(0)
    expect(await commit(memberId, 1, 42)).toBe(0)
    expect(await committed()).toEqual([42, -1])
    const described = await t.call(DescribeGroups, 5, {groups: ['g']})
    expect(described.groups[0]).toMatchObject({groupState: 'Stable', protocolType: 'consumer', protocolData: 'range'})
    expect(described.groups[0].members[0]).toMatchObject({memberId, clientId: 'kbus-test', memberAssignment: Buffer.from('all')})
    const left = await t.call(LeaveGroup, 3, {groupId: 'g', members: [{memberId, groupInstanceId: null}]})
    expect(left.members[0].errorCode).toBe(0)
    const listed = await t.call(ListGroups, 5, {statesFilter: [], typesFilter: []})
    expect(listed.groups).toEqual([{groupId: 'g', protocolType: 'consumer', groupState: 'Empty', groupType: 'classic'}])
  })

  it('rebalances when a second member joins, and the leader sees both', async () => {
    await open()
    const a = await joinNew()
    await a.joined
    await sync(a.memberId, 1, [{memberId: a.memberId, assignment: Buffer.from('0,1,2,3')}])
    const b = await joinNew()
    expect(await heartbeat(a.memberId, 1)).toBe(ErrorCode.REBALANCE_IN_PROGRESS)
    const [aJoin, bJoin] = await Promise.all([join(a.memberId), b.joined])
    expect(aJoin.generationId).toBe(2)
    expect(bJoin.generationId).toBe(2)
    expect(aJoin.leader).toBe(a.memberId)
    expect(aJoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort())
    expect(bJoin.members).toEqual([])
    const followerSync = sync(b.memberId, 2)
    await sync(a.memberId, 2, [
      {memberId: a.memberId, assignment: Buffer.from('0,1')},
      {memberId: b.memberId, assignment: Buffer.from('2,3')},
    ])
    expect((await followerSync).assignment).toEqual(Buffer.from('2,3'))
  })

  it("removes a member whose session expires and moves the group on without it", async () => {
    await open()
    const a = await joinNew(10_000)
    await a.joined
    await sync(a.memberId, 1)
    const b = await joinNew(300)
    const [, bJoin] = await Promise.all([join(a.memberId), b.joined])
    await Promise.all([sync(a.memberId, 2), sync(b.memberId, 2)])
    // b never heartbeats again: after its 300 ms session it is gone and a must rejoin alone.
    await waitUntil(async () => (await heartbeat(a.memberId, bJoin.generationId)) === ErrorCode.REBALANCE_IN_PROGRESS)
    const rejoined = await join(a.memberId)
    expect(rejoined).toMatchObject({generationId: 3, leader: a.memberId})
    expect(rejoined.members.map((m) => m.memberId)).toEqual([a.memberId])
    expect(await heartbeat(b.memberId, 2)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
  })

  it("refuses commits from stale generations and unknown members, with Kafka's codes", async () => {
    await open()
    const a = await joinNew()
    await a.joined
    await sync(a.memberId, 1)
    expect(await commit(a.memberId, 0, 5)).toBe(ErrorCode.ILLEGAL_GENERATION)
    expect(await commit('stranger', 1, 5)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await commit('', -1, 5)).toBe(ErrorCode.UNKNOWN_MEMBER_ID)
    expect(await committed()).toEqual([-1, -1])
  })

  it('accepts standalone commits for a group without members, and creates it', async () => {
    await open()
    expect(await commit('', -1, 7)).toBe(0)
    expect(await committed()).toEqual([7, -1])
    const missing = await t.call(OffsetCommit, 9, {
      groupId: 'nobody', generationIdOrMemberEpoch: 3, memberId: 'm',
      topics: [{name: 'orders', partitions: [{partitionIndex: 0, committedOffset: 1}]}],
    })
    expect(missing.topics[0].partitions[0].errorCode).toBe(ErrorCode.GROUP_ID_NOT_FOUND)
  })

  it('keeps committed offsets across a restart', async () => {
    await open()
    expect(await commit('', -1, 99)).toBe(0)
    await t.restart()
    expect(await committed()).toEqual([99, -1])
    const listed = await t.call(ListGroups, 4, {statesFilter: ['empty']})
    expect(listed.groups.map((g) => g.groupId)).toEqual(['g'])
  })

  it('deletes only groups without members, and their offsets with them', async () => {
    await open()
    const a = await joinNew()
    await a.joined
    await commit(a.memberId, 1, 3)
    let deleted = await t.call(DeleteGroups, 1, {groupsNames: ['g', 'none']})
    expect(deleted.results.map((r) => r.errorCode)).toEqual([ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND])
    await t.call(LeaveGroup, 3, {groupId: 'g', members: [{memberId: a.memberId, groupInstanceId: null}]})
    deleted = await t.call(DeleteGroups, 1, {groupsNames: ['g']})
    expect(deleted.results[0].errorCode).toBe(0)
    expect(await committed()).toEqual([-1, -1])
    await t.restart()
    expect(await committed()).toEqual([-1, -1])
  })

  it('waits the initial rebalance delay so members starting together share one generation', async () => {
    await open({'group.initial.rebalance.delay.ms': '300'})
    const a = await joinNew()
    const b = await joinNew()
    const [aJoin, bJoin] = await Promise.all([a.joined, b.joined])
    expect(aJoin.generationId).toBe(1)
    expect(bJoin.generationId).toBe(1)
    expect([...aJoin.members, ...bJoin.members]).toHaveLength(2)
  })

  it('expires the offsets of an empty group after offsets.retention.minutes, and forgets the group', async () => {
    await open({'offsets.retention.minutes': '1'})
    expect(await commit('', -1, 5)).toBe(0)
    await t.broker.groups.expireOffsets()
    expect(await committed()).toEqual([5, -1])
    vi.useFakeTimers({toFake: ['Date']})
    vi.setSystemTime(Date.now() + 61_000)
    await t.broker.groups.expireOffsets()
    expect(await committed()).toEqual([-1, -1])
    const listed = await t.call(ListGroups, 4, {statesFilter: []})
    expect(listed.groups).toEqual([])
  })
})
