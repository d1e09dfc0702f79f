import {describe, expect, it} from 'vitest'
import type {Batch, PendingRecord} from '../../../src/client/accumulator.js'
import {incrementSequence, SequenceTracker} from '../../../src/client/idempotence.js'

const INT32_MAX = 2_147_483_647

let seq = 0
function batch(partition: number, count: number): Batch {
  const records: PendingRecord[] = Array.from({length: count}, () => ({key: null, value: null, headers: undefined, timestamp: 0, seq: ++seq}))
  return {topic: 't', partition, records, bytes: 0, createdAt: 0, attempts: 0, notBefore: 0, baseSequence: -1}
}

describe('incrementSequence', () => {
  it('adds, and wraps from INT32_MAX to 0 as Kafka does', () => {
    expect(incrementSequence(0, 5)).toBe(5)
    expect(incrementSequence(INT32_MAX - 5, 5)).toBe(INT32_MAX)
    expect(incrementSequence(INT32_MAX, 1)).toBe(0)
    expect(incrementSequence(INT32_MAX - 1, 4)).toBe(2)
  })
})

describe('SequenceTracker', () => {
  it('numbers each partition on its own from 0, a batch taking one sequence per record', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 0})
    const [a, b, c] = [batch(0, 3), batch(1, 2), batch(0, 4)]
    for (const each of [a, b, c]) tracker.assign(each)
    expect([a.baseSequence, b.baseSequence, c.baseSequence]).toEqual([0, 0, 3])
    expect(tracker.peek('t', 0)).toBe(7)
    expect(tracker.peek('t', 1)).toBe(2)
  })

  it('wraps a partition past INT32_MAX back to 0', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 0})
    // Run the partition up to just below the wrap without building two billion records.
    for (let sequence = 0; sequence < INT32_MAX - 1; sequence = tracker.peek('t', 0)) {
      const step = batch(0, 0)
      step.records = new Array<PendingRecord>(Math.min(INT32_MAX - 1 - sequence, 1 << 30)) // sparse: only its length counts
      tracker.assign(step)
      tracker.finished(step)
    }
    const last = batch(0, 3)
    tracker.assign(last)
    expect(last.baseSequence).toBe(INT32_MAX - 1)
    expect(tracker.peek('t', 0)).toBe(1)
  })

  it('tells the oldest unacknowledged batch of a partition from the ones behind it', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 0})
    const [first, second] = [batch(0, 1), batch(0, 1)]
    tracker.assign(first)
    tracker.assign(second)
    expect(tracker.isOldestUnacknowledged(first)).toBe(true)
    expect(tracker.isOldestUnacknowledged(second)).toBe(false)
    tracker.finished(first)
    expect(tracker.isOldestUnacknowledged(second)).toBe(true)
  })

  it('lets the halves of a split batch take its place', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 0})
    const [whole, after] = [batch(0, 4), batch(0, 1)]
    tracker.assign(whole)
    tracker.assign(after)
    const halves = [batch(0, 2), batch(0, 2)]
    tracker.replace(whole, halves)
    expect(tracker.isOldestUnacknowledged(halves[0])).toBe(true)
    tracker.finished(halves[0])
    expect(tracker.isOldestUnacknowledged(halves[1])).toBe(true)
  })

  it('bumps the epoch and starts every partition over, unstamping batches not yet acknowledged', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 0})
    const [waiting, other] = [batch(0, 2), batch(1, 1)]
    tracker.assign(waiting)
    tracker.assign(other)
    expect(tracker.bumpEpoch()).toBe(true)
    expect(tracker.identity).toEqual({producerId: 7, producerEpoch: 1})
    expect([waiting.baseSequence, other.baseSequence]).toEqual([-1, -1])
    tracker.assign(waiting)
    expect(waiting.baseSequence).toBe(0)
  })

  it('needs a new producer id once the epoch is used up', () => {
    const tracker = new SequenceTracker()
    tracker.begin({producerId: 7, producerEpoch: 32_767})
    expect(tracker.bumpEpoch()).toBe(false)
    expect(tracker.identity).toBeUndefined()
  })
})
