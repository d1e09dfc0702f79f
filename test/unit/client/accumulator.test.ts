import {describe, expect, it} from 'vitest'
import {
  BATCH_OVERHEAD,
  type Batch,
  estimateRecordSize,
  type PendingRecord,
  RecordAccumulator,
  splitBatch,
} from '../../../src/client/accumulator.js'
import {encodeRecordBatch} from '../../../src/protocol/records.js'

let seq = 0
function record(value: string): PendingRecord {
  return {key: null, value: Buffer.from(value), headers: undefined, timestamp: 0, seq: ++seq}
}

const sizeOf = (r: PendingRecord) => estimateRecordSize(r.key, r.value, r.headers)

function ready(accumulator: RecordAccumulator, now: number, flushing = false): Batch[] {
  const sealed: Batch[] = []
  const heads = accumulator.ready(now, flushing, (batch) => sealed.push(batch))
  return heads
}

describe('RecordAccumulator', () => {
  it('holds records in an open batch until linger.ms has passed', () => {
    const accumulator = new RecordAccumulator(16_384, 1000)
    const r = record('a')
    accumulator.append('t', 0, r, sizeOf(r), 0)
    expect(ready(accumulator, 999)).toEqual([])
    const [batch] = ready(accumulator, 1000)
    expect(batch.records).toEqual([r])
    expect(accumulator.nextDeadline()).toBeUndefined()
  })

  it('seals a batch when the next record would pass batch.size, keeping that record for the next batch', () => {
    const recordSize = sizeOf(record('x'.repeat(79)))
    const batchSize = BATCH_OVERHEAD + recordSize * 3 + 1
    const accumulator = new RecordAccumulator(batchSize, 60_000)
    const sealed: Array<Batch | undefined> = []
    for (let i = 0; i < 4; i++) {
      const r = record('x'.repeat(79))
      sealed.push(accumulator.append('t', 0, r, recordSize, 0))
    }
    expect(sealed.slice(0, 3)).toEqual([undefined, undefined, undefined])
    expect(sealed[3]?.records).toHaveLength(3)
    // The fourth record waits in a new open batch: the head ready now is only the full one.
    const heads = ready(accumulator, 1)
    expect(heads).toHaveLength(1)
    expect(heads[0].records).toHaveLength(3)
  })

  it('seals at once a batch that reaches batch.size exactly', () => {
    const r = record('y'.repeat(100))
    const accumulator = new RecordAccumulator(BATCH_OVERHEAD + sizeOf(r), 60_000)
    expect(accumulator.append('t', 0, r, sizeOf(r), 0)?.records).toEqual([r])
  })

  it('takes a record larger than batch.size into a batch of its own', () => {
    const accumulator = new RecordAccumulator(100, 60_000)
    const small = record('s')
    const big = record('b'.repeat(500))
    accumulator.append('t', 0, small, sizeOf(small), 0)
    expect(accumulator.append('t', 0, big, sizeOf(big), 0)).toBeDefined()
    const heads = ready(accumulator, 0, true)
    expect(heads[0].records).toEqual([small])
    accumulator.take(heads[0])
    accumulator.release(heads[0])
    expect(ready(accumulator, 0, true)[0].records).toEqual([big])
  })

  it('seals everything when flushing, and offers one batch per partition at a time, in order', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000)
    const a = record('a')
    const b = record('b')
    accumulator.append('t', 0, a, sizeOf(a), 0)
    accumulator.append('t', 1, b, sizeOf(b), 0)
    const heads = ready(accumulator, 0, true)
    expect(heads.map((batch) => batch.partition).sort()).toEqual([0, 1])
  })

  it('puts retried batches back in front of later ones and respects their backoff', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000)
    const first = record('1')
    accumulator.append('t', 0, first, sizeOf(first), 0)
    const [batch] = ready(accumulator, 0, true)
    accumulator.take(batch)
    const second = record('2')
    accumulator.append('t', 0, second, sizeOf(second), 0)
    batch.notBefore = 500
    accumulator.requeue(batch)
    expect(ready(accumulator, 100)).toEqual([])
    expect(accumulator.nextDeadline()).toBe(500)
    expect(ready(accumulator, 500)[0]).toBe(batch)
  })

  it("holds a partition's next batch while one is in flight, so a retry keeps the order", () => {
    const accumulator = new RecordAccumulator(16_384, 60_000)
    const first = record('1')
    accumulator.append('t', 0, first, sizeOf(first), 0)
    const [sent] = ready(accumulator, 0, true)
    accumulator.take(sent)
    const second = record('2')
    accumulator.append('t', 0, second, sizeOf(second), 0)
    const other = record('other')
    accumulator.append('t', 1, other, sizeOf(other), 0)
    expect(ready(accumulator, 0, true).map((batch) => batch.partition)).toEqual([1])
    accumulator.requeue(sent)
    expect(ready(accumulator, 0, true).find((batch) => batch.partition === 0)).toBe(sent)
    accumulator.take(sent)
    accumulator.release(sent)
    expect(ready(accumulator, 0, true).find((batch) => batch.partition === 0)?.records).toEqual([second])
  })

  it('lets up to the in-flight limit of one partition\'s batches out at once, in order', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000, 3)
    const sent: Batch[] = []
    for (let i = 0; i < 5; i++) {
      const r = record(`r${i}`)
      accumulator.append('t', 0, r, sizeOf(r), 0)
      const [head] = ready(accumulator, 0, true)
      if (head) {
        accumulator.take(head)
        sent.push(head)
      }
    }
    expect(sent.map((batch) => batch.records[0].value?.toString())).toEqual(['r0', 'r1', 'r2'])
    expect(ready(accumulator, 0, true)).toEqual([])
    accumulator.release(sent[0])
    expect(ready(accumulator, 0, true)[0].records[0].value?.toString()).toBe('r3')
  })

  it('sends a sequenced batch again only once nothing of its partition is in flight, oldest first', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000, 5)
    const sent: Batch[] = []
    for (let i = 0; i < 3; i++) {
      const r = record(`r${i}`)
      accumulator.append('t', 0, r, sizeOf(r), 0)
      const [head] = ready(accumulator, 0, true)
      accumulator.take(head)
      head.baseSequence = i
      sent.push(head)
    }
    const later = record('fresh')
    accumulator.append('t', 0, later, sizeOf(later), 0)
    // Answers come back in any order: the retries still queue by record order, ahead of new ones.
    accumulator.requeue(sent[1])
    expect(ready(accumulator, 0, true)).toEqual([])
    accumulator.requeue(sent[2])
    accumulator.requeue(sent[0])
    const [first] = ready(accumulator, 0, true)
    expect(first).toBe(sent[0])
    accumulator.take(first)
    expect(ready(accumulator, 0, true)).toEqual([])
    accumulator.release(first)
    expect(ready(accumulator, 0, true)[0]).toBe(sent[1])
  })

  it('puts the halves of a split batch back in its place', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000)
    for (const value of ['a', 'b', 'c', 'd']) {
      const r = record(value)
      accumulator.append('t', 0, r, sizeOf(r), 0)
    }
    const [whole] = ready(accumulator, 0, true)
    accumulator.take(whole)
    const next = record('e')
    accumulator.append('t', 0, next, sizeOf(next), 0)
    const halves = splitBatch(whole, sizeOf)
    accumulator.requeue(whole, halves)
    const order: string[] = []
    for (let head = ready(accumulator, 0, true)[0]; head; head = ready(accumulator, 0, true)[0]) {
      accumulator.take(head)
      order.push(head.records.map((r) => r.value?.toString()).join(''))
      accumulator.release(head)
    }
    expect(order).toEqual(['ab', 'cd', 'e'])
    expect(accumulator.bufferedBytes).toBe(0)
  })

  it('hands over everything still waiting when the producer can send no more', () => {
    const accumulator = new RecordAccumulator(16_384, 60_000)
    for (const [partition, value] of [[0, 'a'], [1, 'b']] as const) {
      const r = record(value)
      accumulator.append('t', partition, r, sizeOf(r), 0)
    }
    const taken = accumulator.takeAll()
    expect(taken.map((batch) => batch.partition).sort()).toEqual([0, 1])
    for (const batch of taken) accumulator.release(batch)
    expect(accumulator.bufferedBytes).toBe(0)
    expect(ready(accumulator, 0, true)).toEqual([])
  })

  it('counts buffered bytes until batches are released', () => {
    const accumulator = new RecordAccumulator(16_384, 0)
    const r = record('hello')
    accumulator.append('t', 0, r, sizeOf(r), 0)
    expect(accumulator.bufferedBytes).toBe(sizeOf(r))
    const [batch] = ready(accumulator, 0)
    accumulator.take(batch)
    accumulator.release(batch)
    expect(accumulator.bufferedBytes).toBe(0)
  })
})

describe('estimateRecordSize', () => {
  it('stays at or just above the encoded size, so batches fill to batch.size without passing it', () => {
    const samples: PendingRecord[] = []
    for (let i = 0; i < 2000; i++) {
      const headers = i % 3 === 0 ? [{key: 'h', value: Buffer.from(String(i))}] : undefined
      samples.push({key: i % 2 ? Buffer.from(`key-${i}`) : null, value: Buffer.from('v'.repeat(i % 300)), headers, timestamp: 1_700_000_000_000 + i, seq: i})
    }
    const encoded = encodeRecordBatch({records: samples}).length
    const estimated = BATCH_OVERHEAD + samples.reduce((sum, r) => sum + sizeOf(r), 0)
    expect(estimated).toBeGreaterThanOrEqual(encoded)
    expect(estimated / encoded).toBeLessThan(1.05)
  })
})

describe('splitBatch', () => {
  it('splits into two ordered halves whose sizes add up', () => {
    const records = ['a', 'b', 'c', 'd', 'e'].map(record)
    const batch = batchOf(records, 2)
    const [left, right] = splitBatch(batch, sizeOf)
    expect([...left.records, ...right.records]).toEqual(records)
    expect(left.records).toHaveLength(3)
    expect(left.bytes + right.bytes).toBe(batch.bytes)
    expect(left.attempts).toBe(0)
    expect([left.baseSequence, right.baseSequence]).toEqual([-1, -1])
  })

  it("gives a sequenced batch's halves its sequence range, wrapping past INT32_MAX", () => {
    const records = ['a', 'b', 'c', 'd'].map(record)
    const [left, right] = splitBatch({...batchOf(records), baseSequence: 2_147_483_646}, sizeOf)
    expect(left.baseSequence).toBe(2_147_483_646)
    expect(right.baseSequence).toBe(0)
  })
})

function batchOf(records: PendingRecord[], attempts = 0): Batch {
  const bytes = records.reduce((s, r) => s + sizeOf(r), 0)
  return {topic: 't', partition: 0, records, bytes, createdAt: 0, attempts, notBefore: 0, baseSequence: -1}
}
