import {describe, expect, it} from 'vitest'
import {resolveTopicConfig, topicConfigDef, topicSettings, validateTopicConfig} from '../../../src/broker/topic-configs.js'
import {topicNameProblem} from '../../../src/broker/topic-name.js'

describe('topic names', () => {
  it('accepts what Kafka accepts', () => {
    for (const name of ['orders', 'a.b_c-D9', 'x'.repeat(249), '__consumer_offsets']) expect(topicNameProblem(name)).toBeNull()
  })

  it("refuses with Kafka's words", () => {
    expect(topicNameProblem('')).toBe('Topic name is invalid: the empty string is not allowed')
    expect(topicNameProblem('.')).toBe("Topic name is invalid: '.' is not allowed")
    expect(topicNameProblem('..')).toBe("Topic name is invalid: '..' is not allowed")
    expect(topicNameProblem('bad name')).toBe(
      "Topic name is invalid: 'bad name' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'",
    )
    expect(topicNameProblem('x'.repeat(250))).toMatch(/longer than the max allowed length 249$/)
  })
})

describe('topic configs', () => {
  const noBrokerSettings = () => undefined

  it('rejects unknown names and bad values with Kafka messages', () => {
    expect(() => validateTopicConfig('foo', '1')).toThrow('Unknown topic config name: foo')
    expect(() => validateTopicConfig('retention.ms', 'abc')).toThrow(
      'Invalid value abc for configuration retention.ms: Not a number of type LONG',
    )
    expect(() => validateTopicConfig('retention.ms', '-2')).toThrow('Value must be at least -1')
    expect(() => validateTopicConfig('segment.bytes', '1000')).toThrow('Value must be at least 1048576')
    expect(() => validateTopicConfig('cleanup.policy', 'shred')).toThrow('String must be one of: compact, delete')
    expect(() => validateTopicConfig('cleanup.policy', 'compact,delete')).not.toThrow()
  })

  it('resolves override, then broker setting, then default', () => {
    const broker = (name: string) => (name === 'log.retention.hours' ? {value: '1', source: 4} : undefined)
    const retention = topicConfigDef('retention.ms')!
    expect(resolveTopicConfig(retention, {}, noBrokerSettings)).toMatchObject({value: '604800000', source: 5})
    // Kafka names the source after the primary setting (log.retention.ms): inherited from .hours, it is DEFAULT.
    expect(resolveTopicConfig(retention, {}, broker)).toMatchObject({value: '3600000', source: 5})
    expect(resolveTopicConfig(retention, {'retention.ms': '5'}, broker)).toMatchObject({value: '5', source: 1})
  })

  it('parses the settings the log uses', () => {
    const settings = topicSettings({'message.timestamp.type': 'LogAppendTime'}, noBrokerSettings)
    expect(settings).toMatchObject({maxMessageBytes: 1048588, segmentBytes: 1073741824, logAppendTime: true})
  })
})
