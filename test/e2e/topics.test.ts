/** kbus topics against a real daemon: Kafka's output lines, the action-flag form, --json and refusals. */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon} from './helpers/index.js'

let daemon: Daemon
const run = (...args: string[]) => kbus(args, {home: daemon.home})

beforeAll(async () => {
  daemon = await startDaemon()
})

afterAll(async () => {
  await daemon?.remove()
})

describe('kbus topics', () => {
  it("describes a topic in Kafka's exact layout, with config overrides", async () => {
    const created = await run('topics', 'create', '--topic', 'orders', '--partitions', '3', '--config', 'retention.ms=86400000')
    expect(created).toMatchObject({exitCode: 0, stdout: 'Created topic orders.\n'})

    const described = await run('topics', 'describe', '--topic', 'orders')
    expect(described.exitCode).toBe(0)
    const lines = described.stdout.split('\n')
    expect(lines[0]).toMatch(/^Topic: orders\tTopicId: [A-Za-z0-9_-]{22}\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention\.ms=86400000$/)
    expect(lines.slice(1)).toEqual([
      '\tTopic: orders\tPartition: 0\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ',
      '\tTopic: orders\tPartition: 1\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ',
      '\tTopic: orders\tPartition: 2\tLeader: 1\tReplicas: 1\tIsr: 1\tElr: \tLastKnownElr: ',
      '',
    ])
  })

  it("accepts Kafka's action flags: --create, --list, --describe, --delete", async () => {
    expect(await run('topics', '--create', '--topic', 'modes', '--partitions', '2')).toMatchObject({exitCode: 0, stdout: 'Created topic modes.\n'})
    const listed = await run('topics', '--list')
    expect(listed.stdout.split('\n')).toContain('modes')
    const described = await run('topics', '--describe', '--topic', 'modes')
    expect(described.stdout).toMatch(/^Topic: modes\t/)
    expect(await run('topics', '--delete', '--topic', 'modes')).toMatchObject({exitCode: 0, stdout: ''})
    expect((await run('topics', '--list')).stdout.split('\n')).not.toContain('modes')
    const none = await run('topics', '--topic', 'x')
    expect(none.exitCode).toBe(2)
    expect(none.stderr).toMatch(/Command must include exactly one action: --create, --list, --describe, --alter or --delete/)
  })

  it('lists names sorted, one per line, and as JSON', async () => {
    await run('topics', 'create', '--topic', 'zeta')
    await run('topics', 'create', '--topic', 'alpha')
    const listed = await run('topics', 'list')
    const names = listed.stdout.trimEnd().split('\n')
    expect(names).toEqual([...names].sort())
    expect(names).toEqual(expect.arrayContaining(['alpha', 'zeta']))
    const json = await run('topics', 'list', '--json')
    expect(JSON.parse(json.stdout)).toEqual(names)
  })

  it('describes as JSON for scripts', async () => {
    await run('topics', 'create', '--topic', 'described', '--partitions', '2')
    const result = await run('topics', 'describe', '--topic', 'described', '--json')
    expect(result.exitCode).toBe(0)
    const [topic] = JSON.parse(result.stdout)
    expect(topic).toMatchObject({name: 'described', partitionCount: 2, replicationFactor: 1, internal: false})
    expect(topic.partitions).toEqual([
      {partition: 0, leader: 1, replicas: [1], isr: [1]},
      {partition: 1, leader: 1, replicas: [1], isr: [1]},
    ])
  })

  it('creates and deletes idempotently with --if-not-exists and --if-exists', async () => {
    await run('topics', 'create', '--topic', 'twice')
    const again = await run('topics', 'create', '--topic', 'twice')
    expect(again.exitCode).toBe(1)
    expect(again.stderr).toMatch(/^Error: Topic 'twice' already exists\.\n/)
    expect(await run('topics', 'create', '--topic', 'twice', '--if-not-exists')).toMatchObject({exitCode: 0, stdout: ''})
    expect((await run('topics', 'delete', '--topic', 'twice')).exitCode).toBe(0)
    const gone = await run('topics', 'delete', '--topic', 'twice')
    expect(gone.exitCode).toBe(1)
    expect(gone.stderr).toMatch(/^Error: Topic 'twice' does not exist as expected\n/)
    expect((await run('topics', 'delete', '--topic', 'twice', '--if-exists')).exitCode).toBe(0)
  })

  it('warns about topic names that may collide, on stderr', async () => {
    const created = await run('topics', 'create', '--topic', 'my.topic')
    expect(created.stdout).toBe('Created topic my.topic.\n')
    expect(created.stderr).toMatch(/topics with a period \('\.'\) or underscore \('_'\) could collide/)
  })

  it('refuses a replication factor a single node cannot give, advising from the broker count the broker gave', async () => {
    const result = await run('topics', 'create', '--topic', 'replicated', '--replication-factor', '3')
    expect(result.exitCode).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      'Error: Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.',
      'The cluster has a single broker: use --replication-factor 1.',
    ])
  })

  it('refuses an invalid topic name with the reason', async () => {
    const result = await run('topics', 'create', '--topic', 'bad name!')
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^Error: Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics/)
  })

  it('reports a missing topic on describe, unless --if-exists', async () => {
    const missing = await run('topics', 'describe', '--topic', 'nothing-here')
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toMatch(/^Error: Topic 'nothing-here' does not exist as expected\n/)
    expect(await run('topics', 'describe', '--topic', 'nothing-here', '--if-exists')).toMatchObject({exitCode: 0, stdout: ''})
  })

  it('says plainly when no broker is running', async () => {
    const result = await kbus(['topics', 'list'])
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^Error: No kbus broker is running at .*kbus\.sock\.\n/)
  })
})
