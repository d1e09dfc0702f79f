import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {DecodeError, EncodeError} from '../../../src/protocol/errors.js'
import {Reader} from '../../../src/protocol/reader.js'
import {Writer} from '../../../src/protocol/writer.js'
import {varintSize, varlongSize} from '../../../src/protocol/records.js'

/** Protobuf-style zig-zag + base-128, computed independently with BigInt. */
function referenceZigzag(value: bigint, bits: bigint): string {
  let z = BigInt.asUintN(Number(bits), (value << 1n) ^ (value >> (bits - 1n)))
  const bytes: number[] = []
  do {
    const low = Number(z & 0x7fn)
    z >>= 7n
    bytes.push(z > 0n ? low | 0x80 : low)
  } while (z > 0n)
  return Buffer.from(bytes).toString('hex')
}

function written(write: (w: Writer) => void): Buffer {
  const w = new Writer(1)
  write(w)
  return Buffer.from(w.finish())
}

const INT32_EDGES = [0, -1, 1, 63, -64, 64, -65, 2 ** 31 - 1, -(2 ** 31), 300, -300]
const INT64_EDGES = [...INT32_EDGES, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 40 + 3, -(2 ** 45)]

describe('varint (zig-zag int32)', () => {
  it.each(INT32_EDGES)('%i matches the reference encoding and reads back', (value) => {
    const bytes = written((w) => w.varint(value))
    expect(bytes.toString('hex')).toBe(referenceZigzag(BigInt(value), 32n))
    expect(bytes.length).toBe(varintSize(value))
    expect(new Reader(bytes).varint()).toBe(value)
  })

  it('known bytes: 0 → 00, -1 → 01, 1 → 02, int32 max → feffffff0f, int32 min → ffffffff0f', () => {
    expect(written((w) => w.varint(0)).toString('hex')).toBe('00')
    expect(written((w) => w.varint(-1)).toString('hex')).toBe('01')
    expect(written((w) => w.varint(1)).toString('hex')).toBe('02')
    expect(written((w) => w.varint(2 ** 31 - 1)).toString('hex')).toBe('feffffff0f')
    expect(written((w) => w.varint(-(2 ** 31))).toString('hex')).toBe('ffffffff0f')
  })

  it('round-trips any int32', () => {
    fc.assert(fc.property(fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1}), (value) => {
      expect(new Reader(written((w) => w.varint(value))).varint()).toBe(value)
    }))
  })
})

describe('varlong (zig-zag int64 as a JS number)', () => {
  it.each(INT64_EDGES)('%i matches the reference encoding and reads back', (value) => {
    const bytes = written((w) => w.varlong(value))
    expect(bytes.toString('hex')).toBe(referenceZigzag(BigInt(value), 64n))
    expect(bytes.length).toBe(varlongSize(value))
    expect(new Reader(bytes).varlong()).toBe(value)
  })

  it('round-trips any safe integer', () => {
    fc.assert(fc.property(fc.maxSafeInteger(), (value) => {
      expect(new Reader(written((w) => w.varlong(value))).varlong()).toBe(value)
    }))
  })

  it('rejects a varint that never ends', () => {
    expect(() => new Reader(Buffer.from('ffffffffffff', 'hex')).unsignedVarint()).toThrow(DecodeError)
  })
})

describe('unsigned varint', () => {
  it.each([
    [0, '00'],
    [1, '01'],
    [127, '7f'],
    [128, '8001'],
    [300, 'ac02'],
    [2 ** 32 - 1, 'ffffffff0f'],
  ])('%i ↔ %s', (value, hex) => {
    expect(written((w) => w.unsignedVarint(value)).toString('hex')).toBe(hex)
    expect(new Reader(Buffer.from(hex, 'hex')).unsignedVarint()).toBe(value)
  })
})

describe('int64 as a JS number', () => {
  it.each(INT64_EDGES)('%i is exact both ways', (value) => {
    const bytes = written((w) => w.int64(value))
    expect(bytes.readBigInt64BE(0)).toBe(BigInt(value))
    expect(new Reader(bytes).int64()).toBe(value)
  })

  it("clamps Kafka's Long.MAX_VALUE default (2^63 as a double) into range", () => {
    expect(written((w) => w.int64(2 ** 63)).readBigInt64BE(0)).toBe(2n ** 63n - 1n)
    expect(written((w) => w.int64(-(2 ** 63))).readBigInt64BE(0)).toBe(-(2n ** 63n))
  })

  it('refuses a fraction', () => {
    expect(() => written((w) => w.int64(1.5))).toThrow(EncodeError)
  })
})

describe('strings, bytes and arrays', () => {
  it('writes UTF-8 byte lengths, not character counts', () => {
    expect(written((w) => w.string('é')).toString('hex')).toBe('0002c3a9')
    expect(written((w) => w.compactString('é')).toString('hex')).toBe('03c3a9')
    expect(written((w) => w.string(null)).toString('hex')).toBe('ffff')
    expect(written((w) => w.compactString(null)).toString('hex')).toBe('00')
  })

  it('reads nullable strings in both encodings', () => {
    expect(new Reader(Buffer.from('ffff', 'hex')).nullableString()).toBeNull()
    expect(new Reader(Buffer.from('00', 'hex')).compactNullableString()).toBeNull()
    expect(new Reader(Buffer.from('03c3a9', 'hex')).compactNullableString()).toBe('é')
  })

  it('refuses an array count the remaining bytes cannot hold, before allocating', () => {
    expect(() => new Reader(Buffer.from('7fffffff', 'hex')).arrayLength()).toThrow(DecodeError)
  })

  it('names what was cut short', () => {
    expect(() => new Reader(Buffer.from('0005616263', 'hex')).nullableString()).toThrow(/truncated: string needs 5 bytes/)
  })

  it('grows its buffer as needed and keeps earlier bytes', () => {
    const w = new Writer(2)
    for (let i = 0; i < 1000; i++) w.int32(i)
    const bytes = w.finish()
    expect(bytes.length).toBe(4000)
    expect(bytes.readInt32BE(4 * 999)).toBe(999)
  })
})
