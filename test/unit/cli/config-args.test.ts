import {describe, expect, it} from 'vitest'
import {parseAddConfig, parseDeleteConfig, resolveEntity} from '../../../src/cli/config-args.js'
import {describeEntryLine, describeLines} from '../../../src/cli/config-render.js'
import type {DescribedConfigEntry} from '../../../src/client/admin.js'

describe('parseAddConfig', () => {
  it("splits Kafka's k=v list, trimming around = and keeping bracketed commas together", () => {
    expect(parseAddConfig('retention.ms = 1000,cleanup.policy=[compact,delete],segment.bytes=1048576')).toEqual(
      new Map([
        ['retention.ms', '1000'],
        ['cleanup.policy', 'compact,delete'],
        ['segment.bytes', '1048576'],
      ]),
    )
  })

  it('accepts an empty value and lets a later key win', () => {
    expect(parseAddConfig('a=,b=1,b=2')).toEqual(new Map([['a', ''], ['b', '2']]))
  })

  it("refuses entries without exactly one = with Kafka's message", () => {
    expect(() => parseAddConfig('retention.ms')).toThrow(/all configs to be added must be in the format "key=val"/)
    expect(() => parseAddConfig('a=b=c')).toThrow(/Invalid entity config/)
  })

  it('refuses keys with characters Kafka does not allow', () => {
    expect(() => parseAddConfig('bad key!=1')).toThrow('Invalid character found for config key: bad key!')
  })
})

describe('parseDeleteConfig', () => {
  it('joins repeated flags and comma lists', () => {
    expect(parseDeleteConfig(['a, b', 'c'])).toEqual(['a', 'b', 'c'])
    expect(parseDeleteConfig(undefined)).toEqual([])
  })
})

describe('resolveEntity', () => {
  it('reads the generic flags and the shorthands alike', () => {
    expect(resolveEntity({'entity-type': 'topics', 'entity-name': 'orders'}, 'alter')).toEqual({type: 'topics', name: 'orders'})
    expect(resolveEntity({topic: 'orders'}, 'describe')).toEqual({type: 'topics', name: 'orders'})
    expect(resolveEntity({broker: '1'}, 'describe')).toEqual({type: 'brokers', name: '1'})
    expect(resolveEntity({'broker-defaults': true}, 'alter')).toEqual({type: 'brokers', name: ''})
    expect(resolveEntity({'entity-type': 'topics'}, 'describe')).toEqual({type: 'topics', name: null})
  })

  it("refuses what kafka-configs refuses, with its messages", () => {
    expect(() => resolveEntity({'entity-type': 'topics', topic: 'x'}, 'describe')).toThrow(
      '--entity-{type,name,default} should not be used in conjunction with specific entity flags',
    )
    expect(() => resolveEntity({}, 'describe')).toThrow('At least one entity type must be specified')
    expect(() => resolveEntity({'entity-type': 'topics'}, 'alter')).toThrow('An entity name must be specified with --alter of topics')
    expect(() => resolveEntity({broker: 'one'}, 'describe')).toThrow(
      'The entity name for brokers must be a valid integer broker id, but it is: one',
    )
    expect(() => resolveEntity({'entity-type': 'users', 'entity-name': 'x'}, 'describe')).toThrow(/Invalid entity type users/)
  })
})

describe('kafka-configs --describe lines', () => {
  const entry = (name: string, value: string, source: number, synonyms: DescribedConfigEntry['synonyms'] = []): DescribedConfigEntry => ({
    name,
    value,
    source,
    readOnly: false,
    sensitive: false,
    synonyms,
  })

  it('prints the dynamic entries sorted by name, with their synonym chain', () => {
    const entries = [
      entry('segment.bytes', '1048576', 1, [
        {name: 'segment.bytes', value: '1048576', source: 1},
        {name: 'log.segment.bytes', value: '1073741824', source: 4},
        {name: 'segment.bytes', value: '1073741824', source: 5},
      ]),
      entry('compression.type', 'producer', 5),
      entry('retention.ms', '60000', 1, [{name: 'retention.ms', value: '60000', source: 1}]),
    ]
    expect(describeLines('topics', 'orders', entries, false)).toEqual([
      'Dynamic configs for topic orders are:',
      '  retention.ms=60000 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:retention.ms=60000}',
      '  segment.bytes=1048576 sensitive=false synonyms={DYNAMIC_TOPIC_CONFIG:segment.bytes=1048576, STATIC_BROKER_CONFIG:log.segment.bytes=1073741824, DEFAULT_CONFIG:segment.bytes=1073741824}',
    ])
    expect(describeLines('topics', 'orders', entries, true)[0]).toBe('All configs for topic orders are:')
    expect(describeLines('topics', 'orders', entries, true)).toHaveLength(4)
    expect(describeLines('brokers', '', [], false)).toEqual(['Default configs for brokers in the cluster are:'])
  })

  it('hides sensitive values', () => {
    expect(describeEntryLine({...entry('ssl.key.password', 'secret', 2), sensitive: true})).toBe(
      '  ssl.key.password=null sensitive=true synonyms={}',
    )
  })
})
