/**
 * The assignors a kbus group leader runs: Java's range and round-robin layouts, and a
 * cooperative-sticky assignment that stays balanced, keeps owned partitions, and under the
 * cooperative protocol hands a moving partition over only after its owner gave it up.
 */
import {describe, expect, it} from 'vitest'
import {
  assignorByName,
  cooperativeStickyAssignor,
  type GroupAssignment,
  type MemberSubscription,
  rangeAssignor,
  rebalanceProtocolOf,
  roundRobinAssignor,
  withholdTransfers,
} from '../../../src/client/assignors.js'

function member(memberId: string, topics: string[], owned: Record<string, number[]> = {}, generationId = -1): MemberSubscription {
  return {
    memberId,
    groupInstanceId: null,
    topics,
    ownedPartitions: Object.entries(owned).map(([topic, partitions]) => ({topic, partitions})),
    generationId,
  }
}

function plain(assignment: GroupAssignment): Record<string, Record<string, number[]>> {
  return Object.fromEntries([...assignment].map(([memberId, topics]) => [memberId, Object.fromEntries(topics)]))
}

function counts(assignment: GroupAssignment): number[] {
  return [...assignment.values()].map((topics) => [...topics.values()].reduce((sum, list) => sum + list.length, 0))
}

function everyPartitionOnce(assignment: GroupAssignment, expected: Record<string, number>): void {
  const seen = [...assignment.values()].flatMap((topics) => [...topics].flatMap(([topic, list]) => list.map((p) => `${topic}-${p}`)))
  const all = Object.entries(expected).flatMap(([topic, n]) => Array.from({length: n}, (_, p) => `${topic}-${p}`))
  expect(seen.sort()).toEqual(all.sort())
}

describe('range', () => {
  it("gives each member a consecutive range per topic, the first members one extra (Java's layout)", () => {
    const result = rangeAssignor.assign([member('b', ['t']), member('a', ['t', 'u']), member('c', ['t'])], new Map([['t', 7], ['u', 2]]))
    expect(plain(result)).toEqual({
      a: {t: [0, 1, 2], u: [0, 1]},
      b: {t: [3, 4]},
      c: {t: [5, 6]},
    })
  })
})

describe('roundrobin', () => {
  it('deals partitions in turn, skipping members not subscribed to the topic', () => {
    const result = roundRobinAssignor.assign([member('a', ['t', 'u']), member('b', ['t'])], new Map([['t', 3], ['u', 2]]))
    expect(plain(result)).toEqual({a: {t: [0, 2], u: [0, 1]}, b: {t: [1]}})
    // u-0 skipped b (not subscribed), went back to a, then u-1 to a again.
    everyPartitionOnce(result, {t: 3, u: 2})
  })
})

describe('cooperative-sticky', () => {
  it('spreads partitions evenly over new members', () => {
    const result = cooperativeStickyAssignor.assign([member('a', ['t']), member('b', ['t']), member('c', ['t'])], new Map([['t', 7]]))
    everyPartitionOnce(result, {t: 7})
    expect(counts(result).sort()).toEqual([2, 2, 3])
  })

  it('keeps what members own and moves only what balance needs when a member joins', () => {
    const before = [member('a', ['t'], {t: [0, 1, 2]}, 4), member('b', ['t'], {t: [3, 4, 5]}, 4), member('c', ['t'])]
    const result = cooperativeStickyAssignor.assign(before, new Map([['t', 6]]))
    everyPartitionOnce(result, {t: 6})
    expect(counts(result)).toEqual([2, 2, 2])
    const a = result.get('a')!.get('t')!
    const b = result.get('b')!.get('t')!
    expect(a.every((p) => [0, 1, 2].includes(p))).toBe(true)
    expect(b.every((p) => [3, 4, 5].includes(p))).toBe(true)
  })

  it('gives a departed member\'s partitions to the rest and resolves double claims by generation', () => {
    const result = cooperativeStickyAssignor.assign(
      [member('a', ['t'], {t: [0, 1]}, 3), member('b', ['t'], {t: [1, 2]}, 5)],
      new Map([['t', 6]]),
    )
    everyPartitionOnce(result, {t: 6})
    expect(result.get('b')!.get('t')).toEqual(expect.arrayContaining([1, 2]))
    expect(counts(result)).toEqual([3, 3])
  })

  it('stays within one partition of balance for members with different subscriptions', () => {
    const result = cooperativeStickyAssignor.assign(
      [member('a', ['t', 'u']), member('b', ['t', 'u']), member('c', ['u'])],
      new Map([['t', 4], ['u', 5]]),
    )
    everyPartitionOnce(result, {t: 4, u: 5})
    expect(result.get('c')!.has('t')).toBe(false)
    const sizes = counts(result)
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1)
  })

  it('under the cooperative protocol withholds a moving partition from its new owner for one round', () => {
    const members = [member('a', ['t'], {t: [0, 1, 2, 3]}, 2), member('b', ['t'])]
    const assigned = cooperativeStickyAssignor.assign(members, new Map([['t', 4]]))
    const first = withholdTransfers(assigned, members)
    expect(plain(first)).toEqual({a: {t: [0, 1]}, b: {}})
    // a gives up 2 and 3 and rejoins; now nobody owns them and b gets them.
    const second = withholdTransfers(
      cooperativeStickyAssignor.assign([member('a', ['t'], {t: [0, 1]}, 3), member('b', ['t'], {}, 3)], new Map([['t', 4]])),
      members.map((m) => (m.memberId === 'a' ? {...m, ownedPartitions: [{topic: 't', partitions: [0, 1]}]} : m)),
    )
    expect(plain(second)).toEqual({a: {t: [0, 1]}, b: {t: [2, 3]}})
  })
})

describe('assignor names', () => {
  it("reads protocol names and Java's class names; cooperative only when every assignor supports it", () => {
    expect(assignorByName('org.apache.kafka.clients.consumer.CooperativeStickyAssignor')?.name).toBe('cooperative-sticky')
    expect(assignorByName(' RANGE ')?.name).toBe('range')
    expect(assignorByName('sticky')).toBeUndefined()
    expect(rebalanceProtocolOf([rangeAssignor, cooperativeStickyAssignor])).toBe('eager')
    expect(rebalanceProtocolOf([cooperativeStickyAssignor])).toBe('cooperative')
  })
})
