import {describe, expect, it} from 'vitest'
import {crc32c, portableCrc32c} from '../../../src/protocol/crc32c.js'
import {checkBatch, readBatchHeader, writeBaseOffset} from '../../../src/protocol/record-batch.js'

// One record, null key, value "hello", ts 1700000000000, non-idempotent (the protocol brief's
// worked example, whose bytes kafkajs' own encoder produces).
const HELLO_BATCH = Buffer.from(
  '0000000000000000' + '0000003d' + 'ffffffff' + '02' + 'e641a44b' + '0000' + '00000000' +
    '0000018bcfe56800' + '0000018bcfe56800' + 'ffffffffffffffff' + 'ffff' + 'ffffffff' + '00000001' +
    '16' + '00' + '00' + '00' + '01' + '0a' + '68656c6c6f' + '00',
  'hex',
)

// crc32c is the native one here (its binary is installed); the portable one runs where it is not.
describe.each([
  ['crc32c', crc32c],
  ['portableCrc32c', portableCrc32c],
])('%s', (_name, crc32c) => {
  it('matches the standard check value', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283)
  })

  it('agrees with a bytewise reference on every length and alignment', () => {
    const reference = (buf: Uint8Array) => {
      let crc = 0xffffffff
      for (const byte of buf) {
        crc ^= byte
        for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1
      }
      return (crc ^ 0xffffffff) >>> 0
    }
    const data = Buffer.from(Array.from({length: 100}, (_, i) => (i * 31 + 7) & 0xff))
    for (let start = 0; start < 9; start++) {
      for (let end = start; end <= data.length; end += 7) {
        expect(crc32c(data, start, end)).toBe(reference(data.subarray(start, end)))
      }
    }
    // Long inputs at every word alignment of the underlying memory, and as views of a view.
    const big = new Uint8Array(new ArrayBuffer(5003))
    for (let i = 0; i < big.length; i++) big[i] = (i * 131 + 17) & 0xff
    for (let shift = 0; shift < 4; shift++) {
      const view = big.subarray(shift)
      expect(crc32c(view)).toBe(reference(view))
      expect(crc32c(view, 3, 4001)).toBe(reference(view.subarray(3, 4001)))
    }
  })
})

describe('record batch header', () => {
  it('reads the worked example', () => {
    const header = readBatchHeader(HELLO_BATCH)
    expect(header).toMatchObject({
      baseOffset: 0,
      batchLength: 61,
      magic: 2,
      crc: 0xe641a44b,
      lastOffsetDelta: 0,
      baseTimestamp: 1700000000000,
      producerId: -1,
      recordsCount: 1,
    })
    expect(checkBatch(HELLO_BATCH)).toBeNull()
  })

  it('keeps the CRC valid when the base offset is rewritten', () => {
    const copy = Buffer.from(HELLO_BATCH)
    writeBaseOffset(copy, 123_456_789_012)
    expect(readBatchHeader(copy).baseOffset).toBe(123_456_789_012)
    expect(checkBatch(copy)).toBeNull()
  })

  it('reads and writes int64 fields as BigInt would, negative and past 2^32 included', () => {
    const copy = Buffer.from(HELLO_BATCH)
    for (const value of [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32) - 1, 1_700_000_000_123, 2 ** 53 - 1, -(2 ** 53) + 1]) {
      writeBaseOffset(copy, value)
      expect(copy.readBigInt64BE(0)).toBe(BigInt(value))
      expect(readBatchHeader(copy).baseOffset).toBe(value)
      copy.writeBigInt64BE(BigInt(value), 43)
      expect(readBatchHeader(copy).producerId).toBe(value)
    }
    copy.writeBigInt64BE(2n ** 63n - 1n, 27)
    expect(readBatchHeader(copy).baseTimestamp).toBe(Number(2n ** 63n - 1n))
  })

  it('names what is wrong with a damaged batch', () => {
    const flipped = Buffer.from(HELLO_BATCH)
    flipped[HELLO_BATCH.length - 3] ^= 0xff
    expect(checkBatch(flipped)).toBe('crc')
    expect(checkBatch(HELLO_BATCH.subarray(0, 40))).toBe('short')
    expect(checkBatch(HELLO_BATCH.subarray(0, 70))).toBe('length')
  })
})
