import {describe, expect, it} from 'vitest'
import {
  compareAsKafkaPrints,
  parseTimeSpec,
  topicAndPartitionsFilter,
  topicPartitionsFilter,
} from '../../../src/cli/offset-args.js'
import {parseOffsetJson} from '../../../src/cli/offset-json-file.js'

describe('parseTimeSpec', () => {
  it("reads Kafka's names and special numbers, and timestamps", () => {
    expect(parseTimeSpec('-1')).toBe('latest')
    expect(parseTimeSpec('latest')).toBe('latest')
    expect(parseTimeSpec('-2')).toBe('earliest')
    expect(parseTimeSpec('earliest-local')).toBe('earliest')
    expect(parseTimeSpec('-3')).toBe('max-timestamp')
    expect(parseTimeSpec('1717171717000')).toEqual({timestamp: 1717171717000})
  })

  it("refuses anything else with Kafka's message", () => {
    expect(() => parseTimeSpec('yesterday')).toThrow(/^Malformed time argument yesterday\. Please use -1 or latest/)
    expect(() => parseTimeSpec('-5')).toThrow(/tiered storage/)
  })
})

describe('partition filters', () => {
  it('--topic is a whole-name regular expression; --partitions a set of ids', () => {
    const filter = topicAndPartitionsFilter('ord.*', '0,2')
    expect(filter.topicAllowed('orders')).toBe(true)
    expect(filter.topicAllowed('my-orders')).toBe(false)
    expect(filter.partitionAllowed({topic: 'orders', partition: 2})).toBe(true)
    expect(filter.partitionAllowed({topic: 'orders', partition: 1})).toBe(false)
    expect(() => topicAndPartitionsFilter(undefined, '0,x')).toThrow(
      '--partitions expects a comma separated list of numeric partition ids, but received: 0,x',
    )
  })

  it('--topic-partitions takes single ids and ranges with an exclusive upper end', () => {
    const filter = topicPartitionsFilter('a:1,b:2-4,c,d:5-')
    const allowed = (topic: string, partition: number) => filter.partitionAllowed({topic, partition})
    expect([allowed('a', 1), allowed('a', 0)]).toEqual([true, false])
    expect([allowed('b', 2), allowed('b', 3), allowed('b', 4)]).toEqual([true, true, false])
    expect(allowed('c', 99)).toBe(true)
    expect([allowed('d', 5), allowed('d', 4)]).toEqual([true, false])
    expect(allowed('zzz', 0)).toBe(false)
    const anyTopic = topicPartitionsFilter(':-1')
    expect([anyTopic.partitionAllowed({topic: 'zzz', partition: 0}), anyTopic.partitionAllowed({topic: 'zzz', partition: 1})]).toEqual([true, false])
    expect(() => topicPartitionsFilter('a:x')).toThrow('Invalid rule specification: a:x')
  })

  it('sorts as Kafka prints: by the topic-partition text', () => {
    const sorted = [2, 10, 1].map((partition) => ({topic: 't', partition})).sort(compareAsKafkaPrints)
    expect(sorted.map((p) => p.partition)).toEqual([1, 10, 2])
  })
})

describe('parseOffsetJson', () => {
  it("reads Kafka's offset JSON file, version defaulting to 1", () => {
    expect(parseOffsetJson('{"partitions":[{"topic":"t","partition":0,"offset":3}],"version":1}')).toEqual([
      {topic: 't', partition: 0, offset: 3},
    ])
    expect(parseOffsetJson('{"partitions":[{"topic":"t","partition":1,"offset":-1}]}')).toEqual([{topic: 't', partition: 1, offset: -1}])
  })

  it("refuses what Kafka refuses, with its messages", () => {
    expect(() => parseOffsetJson('{')).toThrow('The input string is not a valid JSON')
    expect(() => parseOffsetJson('{"partitions":[],"version":2}')).toThrow('Not supported version field value 2')
    expect(() => parseOffsetJson('{"version":1}')).toThrow('Missing partitions field')
    expect(() =>
      parseOffsetJson('{"partitions":[{"topic":"t","partition":1,"offset":1},{"topic":"t","partition":1,"offset":2}]}'),
    ).toThrow('Offset json file contains duplicate topic partitions: t-1')
    expect(() => parseOffsetJson('{"partitions":[{"topic":"t","partition":"0","offset":1}]}')).toThrow(/Invalid partition/)
  })
})
