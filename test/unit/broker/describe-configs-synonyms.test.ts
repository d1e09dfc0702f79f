/**
 * DescribeConfigs as Apache Kafka 4.3.1 answers it: every topic config it lists, with its value and
 * synonym chain (topic override → broker setting → the broker setting's default), and broker
 * settings with theirs. The expected lines were printed by kafka-configs against a real 4.3.1
 * broker with the same settings.
 */
import {afterEach, describe, expect, it} from 'vitest'
import {describeEntryLine} from '../../../src/cli/config-render.js'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DescribeConfigs} from '../../../src/protocol/messages/32-describe-configs.js'
import {IncrementalAlterConfigs} from '../../../src/protocol/messages/44-incremental-alter-configs.js'
import {openTestBroker, type TestBroker} from './harness.js'

const TOPIC = 2
const BROKER = 4
const SET = 0

let t: TestBroker | undefined
afterEach(async () => {
  await t?.close()
  t = undefined
})

async function brokerWith(settings: Record<string, string> = {}): Promise<TestBroker> {
  t = await openTestBroker(settings)
  await t.call(CreateTopics, 7, {topics: [{name: 't1', numPartitions: 1, replicationFactor: 1, configs: []}]})
  return t
}

/** kafka-configs' `--describe --all` lines for one resource, sorted by name as it prints them. */
async function describeLines(resourceType: number, resourceName: string, keys: string[] | null = null): Promise<string[]> {
  const response = await t!.call(DescribeConfigs, 4, {
    resources: [{resourceType, resourceName, configurationKeys: keys}],
    includeSynonyms: true,
    includeDocumentation: false,
  })
  const [result] = response.results
  expect(result.errorCode).toBe(ErrorCode.NONE)
  return result.configs
    .map((entry) => ({...entry, source: entry.configSource, sensitive: entry.isSensitive}))
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map(describeEntryLine)
}

async function alter(resourceType: number, resourceName: string, configs: Record<string, string>) {
  const response = await t!.call(IncrementalAlterConfigs, 1, {
    resources: [{resourceType, resourceName, configs: Object.entries(configs).map(([name, value]) => ({name, configOperation: SET, value}))}],
    validateOnly: false,
  })
  return response.responses[0]
}

const LONG_MAX = '9223372036854775807'

describe('DescribeConfigs of a topic', () => {
  it("lists every topic config Kafka 4.3 lists, each with Kafka's default and synonyms", async () => {
    await brokerWith()
    expect(await describeLines(TOPIC, 't1')).toEqual([
      '  cleanup.policy=delete sensitive=false synonyms={DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  compression.gzip.level=-1 sensitive=false synonyms={DEFAULT_CONFIG:compression.gzip.level=-1}',
      '  compression.lz4.level=9 sensitive=false synonyms={DEFAULT_CONFIG:compression.lz4.level=9}',
      '  compression.type=producer sensitive=false synonyms={DEFAULT_CONFIG:compression.type=producer}',
      '  compression.zstd.level=3 sensitive=false synonyms={DEFAULT_CONFIG:compression.zstd.level=3}',
      '  delete.retention.ms=86400000 sensitive=false synonyms={DEFAULT_CONFIG:log.cleaner.delete.retention.ms=86400000}',
      '  file.delete.delay.ms=60000 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.delete.delay.ms=60000}',
      `  flush.messages=${LONG_MAX} sensitive=false synonyms={DEFAULT_CONFIG:log.flush.interval.messages=${LONG_MAX}}`,
      `  flush.ms=${LONG_MAX} sensitive=false synonyms={}`,
      '  follower.replication.throttled.replicas= sensitive=false synonyms={}',
      '  index.interval.bytes=4096 sensitive=false synonyms={DEFAULT_CONFIG:log.index.interval.bytes=4096}',
      '  leader.replication.throttled.replicas= sensitive=false synonyms={}',
      '  local.retention.bytes=-2 sensitive=false synonyms={DEFAULT_CONFIG:log.local.retention.bytes=-2}',
      '  local.retention.ms=-2 sensitive=false synonyms={DEFAULT_CONFIG:log.local.retention.ms=-2}',
      `  max.compaction.lag.ms=${LONG_MAX} sensitive=false synonyms={DEFAULT_CONFIG:log.cleaner.max.compaction.lag.ms=${LONG_MAX}}`,
      '  max.message.bytes=1048588 sensitive=false synonyms={DEFAULT_CONFIG:message.max.bytes=1048588}',
      '  message.timestamp.after.max.ms=3600000 sensitive=false synonyms={DEFAULT_CONFIG:log.message.timestamp.after.max.ms=3600000}',
      `  message.timestamp.before.max.ms=${LONG_MAX} sensitive=false synonyms={DEFAULT_CONFIG:log.message.timestamp.before.max.ms=${LONG_MAX}}`,
      '  message.timestamp.type=CreateTime sensitive=false synonyms={DEFAULT_CONFIG:log.message.timestamp.type=CreateTime}',
      '  min.cleanable.dirty.ratio=0.5 sensitive=false synonyms={DEFAULT_CONFIG:log.cleaner.min.cleanable.ratio=0.5}',
      '  min.compaction.lag.ms=0 sensitive=false synonyms={DEFAULT_CONFIG:log.cleaner.min.compaction.lag.ms=0}',
      // Kafka 4's storage format also stores a cluster-wide dynamic min.insync.replicas=1; kbus has no format step.
      '  min.insync.replicas=1 sensitive=false synonyms={DEFAULT_CONFIG:min.insync.replicas=1}',
      '  preallocate=false sensitive=false synonyms={DEFAULT_CONFIG:log.preallocate=false}',
      '  remote.log.copy.disable=false sensitive=false synonyms={}',
      '  remote.log.delete.on.disable=false sensitive=false synonyms={}',
      '  remote.storage.enable=false sensitive=false synonyms={}',
      '  retention.bytes=-1 sensitive=false synonyms={DEFAULT_CONFIG:log.retention.bytes=-1}',
      // log.retention.ms has no default: the chain starts at it, so log.retention.hours=168 is not listed.
      '  retention.ms=604800000 sensitive=false synonyms={}',
      '  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}',
      '  segment.index.bytes=10485760 sensitive=false synonyms={DEFAULT_CONFIG:log.index.size.max.bytes=10485760}',
      '  segment.jitter.ms=0 sensitive=false synonyms={}',
      '  segment.ms=604800000 sensitive=false synonyms={}',
      '  unclean.leader.election.enable=false sensitive=false synonyms={DEFAULT_CONFIG:unclean.leader.election.enable=false}',
    ])
  })

  it('puts an override first, then the broker setting the topic would inherit, with its own name and value', async () => {
    await brokerWith()
    expect(await alter(TOPIC, 't1', {'retention.ms': '60000', 'segment.bytes': '2000000', 'cleanup.policy': 'compact,delete', 'compression.zstd.level': '5'}))
      .toMatchObject({errorCode: ErrorCode.NONE})
    expect(await describeLines(TOPIC, 't1', ['cleanup.policy', 'compression.zstd.level', 'retention.ms', 'segment.bytes'])).toEqual([
      '  cleanup.policy=compact,delete sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:cleanup.policy=compact,delete, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  compression.zstd.level=5 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:compression.zstd.level=5, DEFAULT_CONFIG:compression.zstd.level=3}',
      '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}',
      '  segment.bytes=2000000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.bytes=2000000, DEFAULT_CONFIG:log.segment.bytes=1073741824}',
    ])
  })

  it('lists broker settings level by level: dynamic for the broker, static, then defaults, in raw broker units', async () => {
    await brokerWith({'log.retention.minutes': '30', 'log.retention.hours': '1', 'log.roll.ms': '100000', 'log.cleanup.policy': 'compact'})
    const keys = ['cleanup.policy', 'retention.ms', 'segment.ms', 'segment.bytes']
    // retention.ms comes from log.retention.minutes, but Kafka reports nothing and DEFAULT_CONFIG: the chain starts at log.retention.ms.
    expect(await describeLines(TOPIC, 't1', keys)).toEqual([
      '  cleanup.policy=compact sensitive=false synonyms={STATIC_BROKER_CONFIG:log.cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  retention.ms=1800000 sensitive=false synonyms={}',
      '  segment.bytes=1073741824 sensitive=false synonyms={DEFAULT_CONFIG:log.segment.bytes=1073741824}',
      '  segment.ms=100000 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.roll.ms=100000, DEFAULT_CONFIG:log.roll.hours=168}',
    ])
    expect(await alter(BROKER, '1', {'log.retention.ms': '5000', 'log.segment.bytes': '4000000'})).toMatchObject({errorCode: ErrorCode.NONE})
    expect(await describeLines(TOPIC, 't1', keys)).toEqual([
      '  cleanup.policy=compact sensitive=false synonyms={STATIC_BROKER_CONFIG:log.cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  retention.ms=5000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=5000, STATIC_BROKER_CONFIG:log.retention.minutes=30, ' +
        'STATIC_BROKER_CONFIG:log.retention.hours=1, DEFAULT_CONFIG:log.retention.hours=168}',
      '  segment.bytes=4000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.segment.bytes=4000000, DEFAULT_CONFIG:log.segment.bytes=1073741824}',
      '  segment.ms=100000 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.roll.ms=100000, DEFAULT_CONFIG:log.roll.hours=168}',
    ])
    const sources = await t!.call(DescribeConfigs, 4, {
      resources: [{resourceType: TOPIC, resourceName: 't1', configurationKeys: ['retention.ms', 'segment.ms']}],
      includeSynonyms: false,
      includeDocumentation: false,
    })
    expect(sources.results[0].configs.map((c) => [c.name, c.configSource])).toEqual([['retention.ms', 2], ['segment.ms', 4]])
  })
})

describe('DescribeConfigs of a broker', () => {
  it("names each synonym by its broker setting, from the setting's own level down to Kafka's default", async () => {
    await brokerWith({'log.retention.hours': '1', 'log.cleanup.policy': 'compact'})
    expect(await alter(BROKER, '1', {'log.retention.ms': '5000', 'log.segment.bytes': '4000000'})).toMatchObject({errorCode: ErrorCode.NONE})
    expect(await alter(BROKER, '', {'min.insync.replicas': '1'})).toMatchObject({errorCode: ErrorCode.NONE})
    const keys = ['log.cleanup.policy', 'log.retention.hours', 'log.retention.minutes', 'log.retention.ms', 'log.segment.bytes', 'min.insync.replicas', 'num.partitions']
    expect(await describeLines(BROKER, '1', keys)).toEqual([
      '  log.cleanup.policy=compact sensitive=false synonyms={STATIC_BROKER_CONFIG:log.cleanup.policy=compact, DEFAULT_CONFIG:log.cleanup.policy=delete}',
      '  log.retention.hours=1 sensitive=false synonyms={STATIC_BROKER_CONFIG:log.retention.hours=1, DEFAULT_CONFIG:log.retention.hours=168}',
      '  log.retention.minutes=null sensitive=false synonyms={}',
      '  log.retention.ms=5000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.retention.ms=5000, STATIC_BROKER_CONFIG:log.retention.hours=1, DEFAULT_CONFIG:log.retention.hours=168}',
      '  log.segment.bytes=4000000 sensitive=false synonyms={DYNAMIC_BROKER_CONFIG:log.segment.bytes=4000000, DEFAULT_CONFIG:log.segment.bytes=1073741824}',
      '  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1, DEFAULT_CONFIG:min.insync.replicas=1}',
      '  num.partitions=1 sensitive=false synonyms={DEFAULT_CONFIG:num.partitions=1}',
    ])
    expect(await describeLines(BROKER, '')).toEqual([
      '  min.insync.replicas=1 sensitive=false synonyms={DYNAMIC_DEFAULT_BROKER_CONFIG:min.insync.replicas=1}',
    ])
  })

  it('changes only the first of a group of synonyms at run time, as Kafka does', async () => {
    await brokerWith()
    expect(await alter(BROKER, '1', {'log.roll.hours': '3', 'log.flush.scheduler.interval.ms': '5'})).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: expect.stringMatching(/^Cannot update these configs dynamically: \[log\.roll\.hours, log\.flush\.scheduler\.interval\.ms\]/),
    })
    expect(await alter(BROKER, '1', {'log.retention.ms': 'soon'})).toMatchObject({
      errorCode: ErrorCode.INVALID_REQUEST,
      errorMessage: 'Invalid value soon for configuration log.retention.ms: Not a number of type LONG',
    })
    expect(await alter(BROKER, '1', {'log.cleaner.min.cleanable.ratio': '2'})).toMatchObject({
      errorMessage: 'Invalid value 2.0 for configuration log.cleaner.min.cleanable.ratio: Value must be no more than 1',
    })
    expect(await alter(BROKER, '1', {'compression.gzip.level': '3', 'log.local.retention.ms': '100'})).toMatchObject({errorCode: ErrorCode.NONE})
  })
})

describe("Kafka 4.3's newer topic configs", () => {
  it.each([
    ['compression.gzip.level', '0', 'Invalid value 0 for configuration compression.gzip.level: Value must be between 1 and 9 or equal to -1'],
    ['compression.gzip.level', 'x', 'Invalid value x for configuration compression.gzip.level: Not a number of type INT'],
    ['compression.lz4.level', '18', 'Invalid value 18 for configuration compression.lz4.level: Value must be no more than 17'],
    ['compression.zstd.level', '-131073', 'Invalid value -131073 for configuration compression.zstd.level: Value must be at least -131072'],
    ['local.retention.ms', '-3', 'Invalid value -3 for configuration local.retention.ms: Value must be at least -2'],
    ['remote.storage.enable', 'yes', 'Invalid value yes for configuration remote.storage.enable: Expected value to be either true or false'],
    ['remote.storage.enable', 'true', 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'],
    ['leader.replication.throttled.replicas', '0:1, 1 : 2', 'Invalid value [0:1, 1 : 2] for configuration leader.replication.throttled.replicas: ' +
      "leader.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."],
    ['min.cleanable.dirty.ratio', '2', 'Invalid value 2.0 for configuration min.cleanable.dirty.ratio: Value must be no more than 1'],
    ['min.cleanable.dirty.ratio', '-1', 'Invalid value -1.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0'],
  ])('refuses %s=%s in Kafka 4.3.1 words', async (name, value, message) => {
    await brokerWith()
    expect(await alter(TOPIC, 't1', {[name]: value})).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG, errorMessage: message})
  })

  it('accepts and reports what Kafka 4.3.1 accepts', async () => {
    await brokerWith()
    const accepted = {
      'compression.gzip.level': '-1',
      'local.retention.ms': '999999999999',
      'local.retention.bytes': '100',
      'remote.storage.enable': 'false',
      'remote.log.copy.disable': 'true',
      'remote.log.delete.on.disable': 'TRUE',
      'leader.replication.throttled.replicas': '0:1,1:1',
      'follower.replication.throttled.replicas': '*',
    }
    expect(await alter(TOPIC, 't1', accepted)).toMatchObject({errorCode: ErrorCode.NONE})
    expect(await describeLines(TOPIC, 't1', ['follower.replication.throttled.replicas', 'local.retention.bytes'])).toEqual([
      '  follower.replication.throttled.replicas=* sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:follower.replication.throttled.replicas=*}',
      '  local.retention.bytes=100 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:local.retention.bytes=100, DEFAULT_CONFIG:log.local.retention.bytes=-2}',
    ])
  })
})
