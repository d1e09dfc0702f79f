/**
 * consumer-groups --reset-offsets arguments and planning: topic:partition lists, Kafka's
 * datetime and duration forms, the export/import CSV, clamping to the log with Kafka's warnings.
 */
import {describe, expect, it} from 'vitest'
import {type PartitionBounds, parseDateTime, parseDuration, parseResetFile, parseTopicArg, planReset} from '../../../src/cli/offset-reset.js'
import {resetCsv} from '../../../src/cli/group-render.js'

const bounds = (over: Partial<PartitionBounds> = {}): PartitionBounds => ({topic: 't', partition: 0, committed: 5, earliest: 2, latest: 10, ...over})

describe('reset arguments', () => {
  it('reads topic and topic:p,q with Kafka\'s messages for bad ones', () => {
    expect(parseTopicArg('orders')).toEqual({topic: 'orders', partitions: null})
    expect(parseTopicArg('orders:2,0,2')).toEqual({topic: 'orders', partitions: [0, 2]})
    expect(() => parseTopicArg('orders:')).toThrow("Invalid topic arg 'orders:', expected topic name and partitions")
    expect(() => parseTopicArg('orders:x')).toThrow("Invalid partition 'x' specified in topic arg 'orders:x''")
  })

  it('reads datetimes as UTC unless a zone is given, and requires the T', () => {
    expect(parseDateTime('2024-03-01T10:20:30.456')).toBe(Date.UTC(2024, 2, 1, 10, 20, 30, 456))
    expect(parseDateTime('2024-03-01T10:20:30.456+02:00')).toBe(Date.UTC(2024, 2, 1, 8, 20, 30, 456))
    expect(parseDateTime('2024-03-01T10:20:30.456Z')).toBe(Date.UTC(2024, 2, 1, 10, 20, 30, 456))
    expect(() => parseDateTime('2024-03-01 10:20:30')).toThrow("It does not contain a 'T'")
    expect(() => parseDateTime('2024-02-30T10:20:30.000')).toThrow('not a valid date')
  })

  it('reads ISO-8601 durations', () => {
    expect(parseDuration('PT1H')).toBe(3_600_000)
    expect(parseDuration('P1DT2H30M')).toBe(((24 + 2) * 60 + 30) * 60_000)
    expect(parseDuration('PT0.5S')).toBe(500)
    expect(() => parseDuration('P')).toThrow('ISO-8601')
    expect(() => parseDuration('1h')).toThrow('ISO-8601')
  })

  it('reads back what --export writes, for one group and for several', () => {
    const one = [{group: 'g', topic: 't', partition: 1, offset: 7}]
    expect(parseResetFile(resetCsv(one), ['g'])).toEqual(one)
    const two = [...one, {group: 'h', topic: 'u', partition: 0, offset: 3}]
    expect(resetCsv(two)).toBe('g,t,1,7\nh,u,0,3\n\n')
    expect(parseResetFile(resetCsv(two), ['g', 'h'])).toEqual(two)
    expect(() => parseResetFile('t,1\n', ['g'])).toThrow('line 1')
  })
})

describe('planning a reset', () => {
  it('computes each mode and clamps to the log with Kafka\'s warnings', () => {
    const warnings: string[] = []
    const plan = (spec: Parameters<typeof planReset>[1], over?: Partial<PartitionBounds>) =>
      planReset('g', spec, [bounds(over)], (message) => warnings.push(message))[0].offset
    expect(plan({kind: 'earliest'})).toBe(2)
    expect(plan({kind: 'latest'})).toBe(10)
    expect(plan({kind: 'current'})).toBe(5)
    expect(plan({kind: 'current'}, {committed: null})).toBe(10)
    expect(plan({kind: 'shift', by: -2})).toBe(3)
    expect(plan({kind: 'offset', offset: 50})).toBe(10)
    expect(plan({kind: 'shift', by: -50})).toBe(2)
    expect(warnings).toEqual([
      'New offset (50) is higher than latest offset for topic partition t-0. Value will be set to 10',
      'New offset (-45) is lower than earliest offset for topic partition t-0. Value will be set to 2',
    ])
    expect(plan({kind: 'timestamp', timestamp: 1}, {atTimestamp: 4})).toBe(4)
    expect(plan({kind: 'timestamp', timestamp: 1}, {atTimestamp: -1})).toBe(10)
    expect(() => plan({kind: 'shift', by: 1}, {committed: null})).toThrow('Cannot shift offset for partition t-0 since there is no current committed offset')
  })
})
