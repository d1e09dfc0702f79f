import {describe, expect, it} from 'vitest'
import {murmur2, partitionForKey, StickyPartitioner, toPositive} from '../../../src/client/partitioner.js'

// Kafka's UtilsTest vectors, plus the partitions the Java producer picks for them.
const VECTORS: Array<[string, number, number, number, number]> = [
  ['21', -973932308, 0, 0, 0],
  ['foobar', -790332482, 0, 0, 6],
  ['a-little-bit-long-string', -985981536, 2, 2, 8],
  ['a-little-bit-longer-string', -1486304829, 2, 5, 11],
  ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971, 2, 5, 5],
  ['abc', 479470107, 0, 3, 3],
  ['key1', 28543940, 2, 2, 8],
  ['', 275646681, 0, 3, 9],
]

describe('murmur2', () => {
  it.each(VECTORS)('hashes %j as Kafka does', (key, hash, p3, p6, p12) => {
    const bytes = Buffer.from(key, 'utf8')
    expect(murmur2(bytes)).toBe(hash)
    expect(partitionForKey(bytes, 3)).toBe(p3)
    expect(partitionForKey(bytes, 6)).toBe(p6)
    expect(partitionForKey(bytes, 12)).toBe(p12)
  })

  it('keeps toPositive distinct from Math.abs at the extremes', () => {
    expect(toPositive(-2147483648)).toBe(0)
    expect(toPositive(-1)).toBe(2147483647)
  })
})

describe('StickyPartitioner', () => {
  it('keeps null-key records on one partition until its batch closes, then moves', () => {
    const sticky = new StickyPartitioner()
    const first = sticky.partition('t', 6)
    for (let i = 0; i < 100; i++) expect(sticky.partition('t', 6)).toBe(first)
    sticky.batchClosed('t', first, 6)
    const second = sticky.partition('t', 6)
    expect(second).not.toBe(first)
    expect(second).toBeGreaterThanOrEqual(0)
    expect(second).toBeLessThan(6)
  })

  it('ignores a closed batch on a partition it is not sticking to', () => {
    const sticky = new StickyPartitioner(() => 0.5)
    const chosen = sticky.partition('t', 4)
    sticky.batchClosed('t', (chosen + 1) % 4, 4)
    expect(sticky.partition('t', 4)).toBe(chosen)
  })

  it('spreads null-key batches over every partition over time', () => {
    const sticky = new StickyPartitioner()
    const seen = new Set<number>()
    for (let i = 0; i < 200; i++) {
      const partition = sticky.partition('t', 3)
      seen.add(partition)
      sticky.batchClosed('t', partition, 3)
    }
    expect([...seen].sort()).toEqual([0, 1, 2])
  })

  it('keeps topics apart and stays at 0 for a one-partition topic', () => {
    const sticky = new StickyPartitioner()
    sticky.partition('a', 5)
    expect(sticky.partition('b', 1)).toBe(0)
    sticky.batchClosed('b', 0, 1)
    expect(sticky.partition('b', 1)).toBe(0)
  })
})
