import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {Metadata} from '../../../src/protocol/messages/03-metadata.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DescribeConfigs} from '../../../src/protocol/messages/32-describe-configs.js'
import {AlterConfigs} from '../../../src/protocol/messages/33-alter-configs.js'
import {CreatePartitions} from '../../../src/protocol/messages/37-create-partitions.js'
import {IncrementalAlterConfigs} from '../../../src/protocol/messages/44-incremental-alter-configs.js'
import {DescribeCluster} from '../../../src/protocol/messages/60-describe-cluster.js'
import {DescribeTopicPartitions} from '../../../src/protocol/messages/75-describe-topic-partitions.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
beforeEach(async () => {
  t = await openTestBroker({'log.segment.bytes': '2097152'})
  await t.call(CreateTopics, 7, {
    topics: [{name: 'orders', numPartitions: 2, replicationFactor: 1, configs: [{name: 'retention.ms', value: '1000'}]}],
  })
})
afterEach(async () => {
  await t.close()
})

const TOPIC = 2
const BROKER = 4

async function topicConfigs() {
  const response = await t.call(DescribeConfigs, 4, {resources: [{resourceType: TOPIC, resourceName: 'orders', configurationKeys: null}]})
  return new Map(response.results[0].configs.map((c) => [c.name, c]))
}

describe('DescribeConfigs', () => {
  it('reports each topic config with where its value comes from', async () => {
    const configs = await topicConfigs()
    expect(configs.get('retention.ms')).toMatchObject({value: '1000', configSource: 1, configType: 5})
    expect(configs.get('segment.bytes')).toMatchObject({value: '2097152', configSource: 4})
    expect(configs.get('cleanup.policy')).toMatchObject({value: 'delete', configSource: 5, configType: 7})
  })

  it('answers unknown topics and other brokers with errors', async () => {
    const response = await t.call(DescribeConfigs, 4, {
      resources: [
        {resourceType: TOPIC, resourceName: 'missing', configurationKeys: null},
        {resourceType: BROKER, resourceName: '7', configurationKeys: null},
        {resourceType: BROKER, resourceName: '1', configurationKeys: ['log.segment.bytes']},
      ],
    })
    expect(response.results.map((r) => r.errorCode)).toEqual([ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.INVALID_REQUEST, 0])
    expect(response.results[2].configs).toEqual([
      expect.objectContaining({name: 'log.segment.bytes', value: '2097152', configSource: 4, readOnly: false}),
    ])
  })
})

describe('altering topic configs', () => {
  it('sets, appends and deletes overrides, durably', async () => {
    const response = await t.call(IncrementalAlterConfigs, 1, {
      resources: [{
        resourceType: TOPIC,
        resourceName: 'orders',
        configs: [
          {name: 'max.message.bytes', configOperation: 0, value: '2048'},
          {name: 'cleanup.policy', configOperation: 2, value: 'compact'},
          {name: 'retention.ms', configOperation: 1, value: null},
        ],
      }],
    })
    expect(response.responses[0].errorCode).toBe(0)
    await t.restart()
    const configs = await topicConfigs()
    expect(configs.get('max.message.bytes')).toMatchObject({value: '2048', configSource: 1})
    expect(configs.get('cleanup.policy')).toMatchObject({value: 'delete,compact', configSource: 1})
    expect(configs.get('retention.ms')).toMatchObject({value: '604800000', configSource: 5})
  })

  it('changes nothing when one value is bad', async () => {
    const response = await t.call(AlterConfigs, 1, {
      resources: [{resourceType: TOPIC, resourceName: 'orders', configs: [
        {name: 'retention.ms', value: '5'},
        {name: 'segment.bytes', value: '10'},
      ]}],
    })
    expect(response.responses[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value 10 for configuration segment.bytes: Value must be at least 1048576',
    })
    expect((await topicConfigs()).get('retention.ms')).toMatchObject({value: '1000'})
  })

  it('changes broker settings topics inherit at run time, durably, and refuses the others', async () => {
    const alter = (resourceName: string, name: string, value: string) =>
      t.call(IncrementalAlterConfigs, 1, {
        resources: [{resourceType: BROKER, resourceName, configs: [{name, configOperation: 0, value}]}],
      }).then((response) => response.responses[0])
    expect(await alter('', 'log.cleanup.policy', 'compact')).toMatchObject({errorCode: 0})
    expect(await alter('1', 'log.retention.ms', '3600000')).toMatchObject({errorCode: 0})
    expect(await alter('1', 'num.partitions', '3')).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST})
    // As Kafka: only the first of a group of synonyms changes at run time, and bad values are INVALID_REQUEST.
    expect(await alter('1', 'log.retention.hours', '1')).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST})
    expect(await alter('1', 'log.retention.ms', 'soon')).toMatchObject({errorCode: ErrorCode.INVALID_REQUEST})
    await t.call(IncrementalAlterConfigs, 1, {
      resources: [{resourceType: TOPIC, resourceName: 'orders', configs: [{name: 'retention.ms', configOperation: 1, value: null}]}],
    })
    await t.restart()
    const configs = await topicConfigs()
    expect(configs.get('retention.ms')).toMatchObject({value: '3600000', configSource: 2})
    expect(configs.get('cleanup.policy')).toMatchObject({value: 'compact', configSource: 3})
    const brokers = await t.call(DescribeConfigs, 4, {
      resources: [
        {resourceType: BROKER, resourceName: '', configurationKeys: null},
        {resourceType: BROKER, resourceName: '1', configurationKeys: ['log.retention.ms', 'num.partitions']},
      ],
    })
    expect(brokers.results[0].configs).toEqual([expect.objectContaining({name: 'log.cleanup.policy', value: 'compact', configSource: 3})])
    expect(brokers.results[1].configs).toHaveLength(2)
    expect(brokers.results[1].configs).toEqual(expect.arrayContaining([
      expect.objectContaining({name: 'num.partitions', value: '1', configSource: 5, readOnly: true}),
      expect.objectContaining({name: 'log.retention.ms', value: '3600000', configSource: 2, readOnly: false}),
    ]))
  })
})

describe('CreatePartitions', () => {
  it('grows a topic and refuses to shrink it', async () => {
    const grown = await t.call(CreatePartitions, 3, {topics: [{name: 'orders', count: 5, assignments: null}], timeoutMs: 1000})
    expect(grown.results[0].errorCode).toBe(0)
    const metadata = await t.call(Metadata, 12, {topics: [{name: 'orders'}]})
    expect(metadata.topics[0].partitions.map((p) => p.partitionIndex)).toEqual([0, 1, 2, 3, 4])
    const shrunk = await t.call(CreatePartitions, 3, {topics: [{name: 'orders', count: 3, assignments: null}], timeoutMs: 1000})
    expect(shrunk.results[0]).toMatchObject({
      errorCode: ErrorCode.INVALID_PARTITIONS,
      errorMessage: 'The topic orders currently has 5 partition(s); 3 would not be an increase.',
    })
    await t.restart()
    const after = await t.call(Metadata, 12, {topics: [{name: 'orders'}]})
    expect(after.topics[0].partitions).toHaveLength(5)
  })
})

describe('cluster description', () => {
  it('describes the one broker, which is also the controller', async () => {
    const response = await t.call(DescribeCluster, 1, {endpointType: 1})
    expect(response).toMatchObject({errorCode: 0, controllerId: 1, brokers: [expect.objectContaining({brokerId: 1})]})
    expect((await t.call(DescribeCluster, 1, {endpointType: 2})).errorCode).toBe(ErrorCode.MISMATCHED_ENDPOINT_TYPE)
  })

  it('pages topic partitions with a cursor', async () => {
    await t.call(CreateTopics, 7, {topics: [{name: 'zeta', numPartitions: 3, replicationFactor: 1}]})
    const first = await t.call(DescribeTopicPartitions, 0, {topics: [], responsePartitionLimit: 3, cursor: null})
    expect(first.topics.map((topic) => [topic.name, topic.partitions.length])).toEqual([['orders', 2], ['zeta', 1]])
    expect(first.nextCursor).toEqual({topicName: 'zeta', partitionIndex: 1})
    const second = await t.call(DescribeTopicPartitions, 0, {topics: [], responsePartitionLimit: 3, cursor: first.nextCursor})
    expect(second.topics.map((topic) => [topic.name, topic.partitions.map((p) => p.partitionIndex)])).toEqual([['zeta', [1, 2]]])
    expect(second.nextCursor).toBeNull()
  })
})

describe('group configs', () => {
  const GROUP = 32
  const describeGroup = async () => {
    const response = await t.call(DescribeConfigs, 4, {resources: [{resourceType: GROUP, resourceName: 'g', configurationKeys: null}]})
    return new Map(response.results[0].configs.map((c) => [c.name, c]))
  }
  const setGroup = (name: string, value: string) =>
    t.call(IncrementalAlterConfigs, 1, {
      resources: [{resourceType: GROUP, resourceName: 'g', configs: [{name, configOperation: 0, value}]}],
    }).then((response) => response.responses[0])

  it("keeps Kafka's group configs per group, checked and durable", async () => {
    expect((await describeGroup()).get('consumer.session.timeout.ms')).toMatchObject({value: '45000', configSource: 5})
    expect(await setGroup('consumer.session.timeout.ms', '50000')).toMatchObject({errorCode: 0})
    expect(await setGroup('consumer.session.timeout.ms', '1000')).toMatchObject({
      errorCode: ErrorCode.INVALID_CONFIG,
      errorMessage: 'Invalid value 1000 for configuration consumer.session.timeout.ms: Value must be no less than 45000 and no more than 60000',
    })
    expect(await setGroup('group.bogus', '1')).toMatchObject({errorCode: ErrorCode.INVALID_CONFIG, errorMessage: 'Unknown group config name: group.bogus'})
    await t.restart()
    expect((await describeGroup()).get('consumer.session.timeout.ms')).toMatchObject({value: '50000', configSource: 8})
  })
})
