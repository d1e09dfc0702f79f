/** kbus configs and topics alter against a real daemon: Kafka's text, every refusal, durability. */
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

/** The `name=value` pairs a describe prints, without the synonyms. */
async function dynamicConfigs(topic: string): Promise<string[]> {
  const described = await run('configs', 'describe', '--topic', topic)
  expect(described.exitCode).toBe(0)
  return described.stdout
    .split('\n')
    .slice(1)
    .filter((line) => line !== '')
    .map((line) => line.trim().split(' ')[0])
}

describe('kbus configs', () => {
  it("alters and describes a topic's configs in kafka-configs' words", async () => {
    await run('topics', 'create', '--topic', 'orders')
    const altered = await run('configs', '--alter', '--entity-type', 'topics', '--entity-name', 'orders', '--add-config', 'retention.ms=60000,cleanup.policy=[compact,delete]')
    expect(altered).toMatchObject({exitCode: 0, stdout: 'Completed updating config for topic orders.\n', stderr: ''})

    const described = await run('configs', '--describe', '--topic', 'orders')
    expect(described.exitCode).toBe(0)
    expect(described.stdout).toBe(
      [
        'Dynamic configs for topic orders are:',
        // Kafka 4.3.1's text: the default is the broker setting's, and log.retention.ms has none.
        '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
        '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}',
        '',
      ].join('\n'),
    )

    const all = await run('configs', 'describe', '--topic', 'orders', '--all')
    expect(all.stdout.split('\n')[0]).toBe('All configs for topic orders are:')
    expect(all.stdout).toMatch(/^ {2}segment\.bytes=1073741824 sensitive=false synonyms=\{DEFAULT_CONFIG:log\.segment\.bytes=1073741824\}$/m)
    // Every topic config Apache Kafka 4.3.1 lists, in its order.
    expect(all.stdout.split('\n').slice(1, -1).map((line) => line.trim().split('=')[0])).toEqual([
      'cleanup.policy', 'compression.gzip.level', 'compression.lz4.level', 'compression.type', 'compression.zstd.level',
      'delete.retention.ms', 'file.delete.delay.ms', 'flush.messages', 'flush.ms', 'follower.replication.throttled.replicas',
      'index.interval.bytes', 'leader.replication.throttled.replicas', 'local.retention.bytes', 'local.retention.ms',
      'max.compaction.lag.ms', 'max.message.bytes', 'message.timestamp.after.max.ms', 'message.timestamp.before.max.ms',
      'message.timestamp.type', 'min.cleanable.dirty.ratio', 'min.compaction.lag.ms', 'min.insync.replicas', 'preallocate',
      'remote.log.copy.disable', 'remote.log.delete.on.disable', 'remote.storage.enable', 'retention.bytes', 'retention.ms',
      'segment.bytes', 'segment.index.bytes', 'segment.jitter.ms', 'segment.ms', 'unclean.leader.election.enable',
    ])

    const topic = await run('topics', 'describe', '--topic', 'orders')
    expect(topic.stdout.split('\n')[0]).toMatch(/\tConfigs: (cleanup\.policy=compact,delete,retention\.ms=60000|retention\.ms=60000,cleanup\.policy=compact,delete)$/)
  })

  it('removes overrides with --delete-config, and refuses to remove one that is not set', async () => {
    await run('topics', 'create', '--topic', 'trimmed', '--config', 'retention.ms=1000', '--config', 'segment.ms=5000')
    expect(await run('configs', 'alter', '--topic', 'trimmed', '--delete-config', 'retention.ms')).toMatchObject({exitCode: 0})
    expect(await dynamicConfigs('trimmed')).toEqual(['segment.ms=5000'])
    const unset = await run('configs', 'alter', '--topic', 'trimmed', '--delete-config', 'retention.ms')
    expect(unset.exitCode).toBe(1)
    expect(unset.stderr).toMatch(/^Error: Invalid config\(s\): retention\.ms\n/)
  })

  it.each([
    ['foo=1', 'Unknown topic config name: foo'],
    ['retention.ms=-2', 'Invalid value -2 for configuration retention.ms: Value must be at least -1'],
    ['retention.ms=soon', 'Invalid value soon for configuration retention.ms: Not a number of type LONG'],
    ['segment.bytes=1000', 'Invalid value 1000 for configuration segment.bytes: Value must be at least 1048576'],
    ['cleanup.policy=shred', 'Invalid value shred for configuration cleanup.policy: String must be one of: compact, delete'],
    // all or nothing: the good retention.ms is not applied either
    ['retention.ms=1234,min.cleanable.dirty.ratio=2', 'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
    ['compression.gzip.level=0', 'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1'],
    ['remote.storage.enable=true', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'],
  ])("refuses %s with Kafka's error and changes nothing", async (config, message) => {
    await run('topics', 'create', '--topic', 'guarded', '--if-not-exists', '--config', 'retention.ms=86400000')
    const refused = await run('configs', 'alter', '--topic', 'guarded', '--add-config', config)
    expect(refused.exitCode).toBe(1)
    expect(refused.stdout).toBe('')
    expect(refused.stderr.split('\n')[0]).toBe(`Error: ${message}`)
    expect(await dynamicConfigs('guarded')).toEqual(['retention.ms=86400000'])
  })

  it('refuses command lines kafka-configs refuses, as usage errors', async () => {
    const noChange = await run('configs', 'alter', '--topic', 'orders')
    expect(noChange.exitCode).toBe(2)
    expect(noChange.stderr).toMatch(/At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter/)
    const badSyntax = await run('configs', 'alter', '--topic', 'orders', '--add-config', 'retention.ms')
    expect(badSyntax.exitCode).toBe(2)
    expect(badSyntax.stderr).toMatch(/all configs to be added must be in the format "key=val"/)
    const noAction = await run('configs', '--topic', 'orders')
    expect(noAction.exitCode).toBe(2)
    expect(noAction.stderr).toMatch(/Command must include exactly one action: --describe or --alter/)
  })

  it.each([
    [['configs', '--describe', '--entity-type', 'topics', '--entity-name', 'ghost']],
    [['configs', '--describe', '--topic', 'ghost']],
    [['configs', 'describe', '--topic', 'ghost', '--all']],
    [['configs', '--describe', '--entity-type', 'topics', '--entity-name', 'ghost', '--all']],
  ])('fails on a missing topic, naming it: %j', async (args) => {
    const missing = await run(...args)
    expect(missing).toMatchObject({exitCode: 1, stdout: ''})
    expect(missing.stderr).toMatch(/^Error: The topic 'ghost' doesn't exist and doesn't have dynamic config\.\n/)
  })

  it('describes as JSON for scripts', async () => {
    const result = await run('configs', 'describe', '--topic', 'orders', '--json')
    expect(result.exitCode).toBe(0)
    const [entity] = JSON.parse(result.stdout)
    expect(entity).toMatchObject({entityType: 'topics', entityName: 'orders'})
    expect(entity.configs.map((c: {name: string}) => c.name)).toEqual(['cleanup.policy', 'retention.ms'])
    expect(entity.configs[1]).toMatchObject({value: '60000', source: 'DYNAMIC_TOPIC_CONFIG', sensitive: false})
  })

  it("shows the broker's settings, alters the dynamic ones and refuses the static ones", async () => {
    const described = await run('configs', 'describe', '--entity-type', 'brokers', '--entity-name', '1', '--all')
    expect(described.exitCode).toBe(0)
    expect(described.stdout.split('\n')[0]).toBe('All configs for broker 1 are:')
    expect(described.stdout).toMatch(/^ {2}num\.partitions=\d+ sensitive=false synonyms=\{\w+:num\.partitions=\d+\}$/m)

    // Kafka's own default value, so no other test's topic is affected.
    const perBroker = await run('configs', 'alter', '--broker', '1', '--add-config', 'log.retention.ms=604800000')
    expect(perBroker).toMatchObject({exitCode: 0, stdout: 'Completed updating config for broker 1.\n'})
    // Kafka's synonyms: the setting's own levels, then its group's (log.retention.hours=168 is Kafka's default).
    expect((await run('configs', 'describe', '--broker', '1')).stdout).toBe(
      'Dynamic configs for broker 1 are:\n' +
        '  log.retention.ms=604800000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=604800000, DEFAULT_CONFIG:log.retention.hours=168}\n',
    )
    const clusterDefault = await run('configs', 'alter', '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=604800000')
    expect(clusterDefault.stdout).toBe('Completed updating default config for brokers in the cluster.\n')
    expect((await run('configs', 'describe', '--broker-defaults')).stdout).toBe(
      'Default configs for brokers in the cluster are:\n  log.retention.ms=604800000 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:log.retention.ms=604800000}\n',
    )

    const refused = await run('configs', 'alter', '--broker', '1', '--add-config', 'num.partitions=3')
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toMatch(/^Error: Cannot update these configs dynamically: \[num\.partitions\]/)
    const synonym = await run('configs', 'alter', '--broker', '1', '--add-config', 'log.retention.hours=24')
    expect(synonym.stderr).toMatch(/^Error: Cannot update these configs dynamically: \[log\.retention\.hours\]/)
    expect((await run('configs', 'alter', '--broker', '1', '--delete-config', 'log.retention.ms')).exitCode).toBe(0)
    expect((await run('configs', 'alter', '--broker-defaults', '--delete-config', 'log.retention.ms')).exitCode).toBe(0)
    expect((await run('configs', 'describe', '--broker', '1')).stdout).toBe('Dynamic configs for broker 1 are:\n')
  })

  it('keeps configs across a daemon restart', async () => {
    await run('topics', 'create', '--topic', 'durable')
    await run('configs', 'alter', '--topic', 'durable', '--add-config', 'max.message.bytes=2000,message.timestamp.type=LogAppendTime')
    await daemon.restart()
    expect(await dynamicConfigs('durable')).toEqual(['max.message.bytes=2000', 'message.timestamp.type=LogAppendTime'])
  })
})

describe('kbus topics alter', () => {
  it('adds partitions, and refuses to shrink or keep the count as Kafka does', async () => {
    await run('topics', 'create', '--topic', 'growing', '--partitions', '2')
    expect(await run('topics', '--alter', '--topic', 'growing', '--partitions', '4')).toMatchObject({exitCode: 0, stdout: ''})
    expect((await run('topics', 'describe', '--topic', 'growing')).stdout).toMatch(/\tPartitionCount: 4\t/)

    const shrink = await run('topics', 'alter', '--topic', 'growing', '--partitions', '3')
    expect(shrink.exitCode).toBe(1)
    expect(shrink.stderr.split('\n')[0]).toBe('Error: The topic growing currently has 4 partition(s); 3 would not be an increase.')
    const same = await run('topics', 'alter', '--topic', 'growing', '--partitions', '4')
    expect(same.stderr.split('\n')[0]).toBe('Error: Topic already has 4 partition(s).')

    const missing = await run('topics', 'alter', '--topic', 'ghost', '--partitions', '4')
    expect(missing.stderr.split('\n')[0]).toBe("Error: Topic 'ghost' does not exist as expected")
    expect((await run('topics', 'alter', '--topic', 'ghost', '--partitions', '4', '--if-exists')).exitCode).toBe(0)

    const withConfig = await run('topics', '--alter', '--topic', 'growing', '--partitions', '5', '--config', 'retention.ms=1')
    expect(withConfig.exitCode).toBe(2)
    expect(withConfig.stderr).toMatch(/the kafka-configs tool can be used/)
  })
})

describe('kbus configs for groups', () => {
  it("sets, describes and deletes a group's configs, refusing values outside Kafka's ranges", async () => {
    const altered = await run('configs', '--alter', '--group', 'billing', '--add-config', 'consumer.heartbeat.interval.ms=6000')
    expect(altered).toMatchObject({exitCode: 0, stdout: 'Completed updating config for group billing.\n'})
    const described = await run('configs', '--describe', '--entity-type', 'groups', '--entity-name', 'billing')
    expect(described.stdout).toBe(
      'Dynamic configs for group billing are:\n' +
        '  consumer.heartbeat.interval.ms=6000 sensitive=false synonyms={DYNAMIC_GROUP_CONFIG:consumer.heartbeat.interval.ms=6000, DEFAULT_CONFIG:consumer.heartbeat.interval.ms=5000}\n',
    )
    const refused = await run('configs', '--alter', '--group', 'billing', '--add-config', 'consumer.session.timeout.ms=100')
    expect(refused.exitCode).toBe(1)
    expect(refused.stderr).toMatch(/^Error: Invalid value 100 for configuration consumer.session.timeout.ms: Value must be no less than 45000/)
    const deleted = await run('configs', '--alter', '--group', 'billing', '--delete-config', 'consumer.heartbeat.interval.ms')
    expect(deleted.exitCode).toBe(0)
    expect((await run('configs', '--describe', '--group', 'billing')).stdout).toBe('Dynamic configs for group billing are:\n')
  })
})
