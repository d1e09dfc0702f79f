/**
 * The client's group member against a real in-process broker on a Unix socket: joining through
 * MEMBER_ID_REQUIRED, the eager protocol giving everything up before a rebalance, the
 * cooperative protocol's two rounds (no partition ever owned by two members at once), commits
 * as a member, and leaving.
 */
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {Broker} from '../../../src/broker/broker.js'
import {cooperativeStickyAssignor, rangeAssignor} from '../../../src/client/assignors.js'
import {Cluster} from '../../../src/client/cluster.js'
import {GroupMember, type GroupMemberOptions, type TopicPartition} from '../../../src/client/group-member.js'
import {kbusPaths} from '../../../src/config/paths.js'
import {buildServerConfig} from '../../../src/config/server-config.js'
import {silentLogger} from '../../../src/daemon/logger.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {KafkaServer} from '../../../src/server/server.js'

let home: string
let broker: Broker
let server: KafkaServer
const clusters: Cluster[] = []

beforeEach(async () => {
  home = mkdtempSync(join(tmpdir(), 'kbus-gm-'))
  const paths = kbusPaths({KBUS_HOME: home})
  const {config} = buildServerConfig({overrides: new Map([['group.initial.rebalance.delay.ms', '0']])}, paths)
  broker = await Broker.open(config, {logger: silentLogger})
  server = await KafkaServer.listen(broker, {tcp: [], socketPath: paths.socketPath, maxFrameBytes: 100 << 20, logger: silentLogger})
  const admin = cluster()
  await (await admin.anyBroker()).request(CreateTopics, {
    topics: [{name: 't', numPartitions: 4, replicationFactor: 1, assignments: [], configs: []}],
    timeoutMs: 5000,
    validateOnly: false,
  })
})

afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.close()))
  await server.close({graceMs: 0})
  await broker.close()
  rmSync(home, {recursive: true, force: true})
})

function cluster(): Cluster {
  const created = new Cluster({bootstrapServers: [], socketPath: kbusPaths({KBUS_HOME: home}).socketPath, clientId: 'group-test'})
  clusters.push(created)
  return created
}

/** A member that records what it holds, and fails the test if two members ever hold one partition. */
function newMember(name: string, options: Partial<GroupMemberOptions>, held: Map<string, string>) {
  const log: string[] = []
  const key = (p: TopicPartition) => `${p.topic}-${p.partition}`
  const member = new GroupMember(
    cluster(),
    {groupId: 'g', topics: ['t'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 50, ...options},
    {
      async revoked(partitions) {
        log.push(`revoked ${partitions.map(key).join(',')}`)
        for (const p of partitions) held.delete(key(p))
      },
      lost(partitions) {
        for (const p of partitions) held.delete(key(p))
      },
      async assigned(partitions) {
        log.push(`assigned ${partitions.map(key).join(',')}`)
        for (const p of partitions) {
          const owner = held.get(key(p))
          if (owner !== undefined) throw new Error(`${key(p)} assigned to ${name} while ${owner} still holds it`)
          held.set(key(p), name)
        }
      },
    },
  )
  return {member, log}
}

/**
 * Runs each member's loop (as each consumer's poll loop would) until the group is Stable in
 * one generation every member is in, with all four partitions held.
 */
async function settle(members: GroupMember[], held: Map<string, string>): Promise<void> {
  let done = false
  const loops = members.map(async (member) => {
    while (!done) {
      await member.ensureActive()
      await member.waitForRebalance(50)
    }
  })
  const deadline = Date.now() + 15_000
  for (;;) {
    const group = broker.groups.group('g')
    const settled =
      group?.state === 'Stable' &&
      members.every((m) => m.identity.generationId === group.generationId) &&
      members.flatMap((m) => m.assignment).length === 4 &&
      held.size === 4
    if (settled) break
    if (Date.now() > deadline) throw new Error('members did not settle')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  done = true
  await Promise.all(loops)
}

describe('GroupMember', () => {
  it('joins (via MEMBER_ID_REQUIRED), commits as a member, and leaves', async () => {
    const held = new Map<string, string>()
    const {member} = newMember('a', {assignors: [rangeAssignor]}, held)
    await member.ensureActive()
    expect(member.identity.memberId).toMatch(/^group-test-/)
    expect(member.identity.generationId).toBeGreaterThan(0)
    expect(member.assignment).toHaveLength(4)
    await member.commit([{topic: 't', partition: 0, offset: 0}])
    expect(await member.committed([{topic: 't', partition: 0}, {topic: 't', partition: 1}])).toMatchObject([
      {topic: 't', partition: 0, offset: 0},
      {topic: 't', partition: 1, offset: -1},
    ])
    await member.leave()
    expect(broker.groups.group('g')?.state).toBe('Empty')
  })

  it('eager: everything is given up before the rebalance, then range splits the partitions', async () => {
    const held = new Map<string, string>()
    const a = newMember('a', {assignors: [rangeAssignor]}, held)
    await a.member.ensureActive()
    const b = newMember('b', {assignors: [rangeAssignor]}, held)
    await settle([a.member, b.member], held)
    expect(a.log).toEqual(['assigned t-0,t-1,t-2,t-3', 'revoked t-0,t-1,t-2,t-3', expect.stringMatching(/^assigned /)])
    expect([a.member.assignment.length, b.member.assignment.length]).toEqual([2, 2])
  })

  it('cooperative: the first member keeps half its partitions throughout and hands over only the other half', async () => {
    const held = new Map<string, string>()
    const a = newMember('a', {assignors: [cooperativeStickyAssignor]}, held)
    expect(a.member.rebalanceProtocol).toBe('cooperative')
    await a.member.ensureActive()
    const b = newMember('b', {assignors: [cooperativeStickyAssignor]}, held)
    await settle([a.member, b.member], held)
    expect(a.log[0]).toBe('assigned t-0,t-1,t-2,t-3')
    expect(a.log.slice(1)).toEqual([expect.stringMatching(/^revoked t-\d,t-\d$/)])
    expect(b.log).toEqual([expect.stringMatching(/^assigned t-\d,t-\d$/)])
    expect([a.member.assignment.length, b.member.assignment.length]).toEqual([2, 2])
  })
})
