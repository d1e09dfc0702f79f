import {describe, expect, it} from 'vitest'
import {ReadBufferPool} from '../../../src/storage/read-buffers.js'

describe('ReadBufferPool', () => {
  it('lends a given-back buffer again for a read of about the same size', () => {
    const pool = new ReadBufferPool()
    const first = pool.take(1_000_000)
    expect(first.length).toBe(1_000_000)
    pool.giveBack(first.subarray(10, 20))
    const second = pool.take(1_010_000)
    expect(second.buffer).toBe(first.buffer)
    expect(second.length).toBe(1_010_000)
  })

  it('takes a buffer back once however many of its views come back, so it is never lent twice at a time', () => {
    const pool = new ReadBufferPool()
    const lent = pool.take(200_000)
    pool.giveBack(lent.subarray(0, 100))
    pool.giveBack(lent.subarray(100, 200))
    const again = pool.take(200_000)
    const other = pool.take(200_000)
    expect(again.buffer).toBe(lent.buffer)
    expect(other.buffer).not.toBe(lent.buffer)
  })

  it('ignores buffers it did not lend', () => {
    const pool = new ReadBufferPool()
    const foreign = Buffer.alloc(200_000)
    pool.giveBack(foreign)
    expect(pool.take(200_000).buffer).not.toBe(foreign.buffer)
  })
})
