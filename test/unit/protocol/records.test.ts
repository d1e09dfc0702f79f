import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {DecodeError, ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import {Compression, stampLogAppendTime, writeBaseOffset} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch, iterateBatches, type RecordInput} from '../../../src/protocol/records.js'

// kafka-protocol.md §3.4: one record, key null, value "hello", no headers, ts 1700000000000.
const HELLO = hex(
  '0000000000000000 0000003d ffffffff 02 e641a44b 0000 00000000' +
    '0000018bcfe56800 0000018bcfe56800 ffffffffffffffff ffff ffffffff 00000001' +
    '16 00 00 00 01 0a 68656c6c6f 00',
)

function hex(spaced: string): Buffer {
  return Buffer.from(spaced.replace(/ /g, ''), 'hex')
}

describe('encodeRecordBatch', () => {
  it('writes the "hello" batch of the protocol notes byte for byte', () => {
    const batch = encodeRecordBatch({records: [{key: null, value: Buffer.from('hello'), headers: [], timestamp: 1700000000000}]})
    expect(batch.toString('hex')).toBe(HELLO.toString('hex'))
  })

  it('refuses an empty batch', () => {
    expect(() => encodeRecordBatch({records: []})).toThrow(KafkaError)
  })

  it('keeps a given offset range past the last record, or with no record at all as a bare uncompressed header', () => {
    const record = {key: null, value: Buffer.from('v'), headers: [], timestamp: 1700000000000}
    const ranged = decodeRecordBatch(encodeRecordBatch({records: [record], lastOffsetDelta: 4, compression: Compression.Gzip}))
    expect(ranged.header.lastOffsetDelta).toBe(4)
    expect(ranged.records.map((each) => each.offset)).toEqual([0])

    const bare = decodeRecordBatch(
      encodeRecordBatch({records: [], lastOffsetDelta: 2, baseTimestamp: 1700000000000, producerId: 9, producerEpoch: 1, baseSequence: 5, compression: Compression.Gzip}),
    )
    expect(bare.records).toEqual([])
    expect(bare.compression).toBe(Compression.None)
    expect(bare.header).toMatchObject({lastOffsetDelta: 2, baseTimestamp: 1700000000000, maxTimestamp: 1700000000000, producerId: 9, baseSequence: 5})
    expect(() => encodeRecordBatch({records: [record, {...record, offsetDelta: 3}], lastOffsetDelta: 2})).toThrow(KafkaError)
  })
})

describe('decodeRecordBatch', () => {
  it('reads the "hello" batch', () => {
    const {header, records} = decodeRecordBatch(HELLO)
    expect(header.recordsCount).toBe(1)
    expect(records).toEqual([{offset: 0, timestamp: 1700000000000, key: null, value: Buffer.from('hello'), headers: []}])
  })

  it('gives absolute offsets once the broker has rewritten the base offset', () => {
    const batch = encodeRecordBatch({
      records: [0, 1, 2].map((i) => ({key: Buffer.from(`k${i}`), value: Buffer.from(`v${i}`), timestamp: 1000 + i})),
    })
    writeBaseOffset(batch, 42)
    expect(decodeRecordBatch(batch).records.map((r) => [r.offset, r.timestamp])).toEqual([
      [42, 1000],
      [43, 1001],
      [44, 1002],
    ])
  })

  it('stamps every record with maxTimestamp in a LogAppendTime batch', () => {
    const batch = encodeRecordBatch({records: [1, 2].map((i) => ({key: null, value: null, timestamp: i}))})
    stampLogAppendTime(batch, 5555)
    const decoded = decodeRecordBatch(batch)
    expect(decoded.logAppendTime).toBe(true)
    expect(decoded.records.map((r) => r.timestamp)).toEqual([5555, 5555])
  })

  it('round-trips keys, values, headers and timestamps, with and without gzip', () => {
    const record = fc.record({
      key: fc.option(fc.uint8Array({maxLength: 40}).map(Buffer.from), {nil: null}),
      value: fc.option(fc.uint8Array({maxLength: 200}).map(Buffer.from), {nil: null}),
      headers: fc.array(fc.record({key: fc.string(), value: fc.option(fc.uint8Array({maxLength: 20}).map(Buffer.from), {nil: null})}), {maxLength: 3}),
      timestamp: fc.integer({min: 0, max: 2 ** 45}),
    })
    fc.assert(
      fc.property(fc.array(record, {minLength: 1, maxLength: 8}), fc.constantFrom(Compression.None, Compression.Gzip), (records: RecordInput[], compression) => {
        const batch = encodeRecordBatch({records, compression, producerId: 7, producerEpoch: 1, baseSequence: 3})
        const decoded = decodeRecordBatch(batch)
        expect(decoded.compression).toBe(compression)
        expect(decoded.header).toMatchObject({producerId: 7, producerEpoch: 1, baseSequence: 3, lastOffsetDelta: records.length - 1})
        expect(decoded.header.maxTimestamp).toBe(Math.max(...records.map((r) => r.timestamp)))
        expect(decoded.records).toEqual(records.map((r, i) => ({...r, offset: i})))
      }),
      {numRuns: 200},
    )
  })

  it('rejects a batch whose CRC does not match with CORRUPT_MESSAGE', () => {
    const batch = Buffer.from(HELLO)
    batch[batch.length - 2] ^= 0xff
    const error = catchError(() => decodeRecordBatch(batch))
    expect(error).toBeInstanceOf(DecodeError)
    expect((error as KafkaError).code).toBe(ErrorCode.CORRUPT_MESSAGE)
  })

  it('says the codec is unknown instead of returning garbage', () => {
    const batch = encodeRecordBatch({records: [{key: null, value: Buffer.from('x'), timestamp: 1}]})
    batch.writeInt16BE(5, 21) // codec bits 5: no Kafka codec
    // Fix the CRC so the codec, not the checksum, is what fails.
    stampLogAppendTime(batch, 1)
    expect((catchError(() => decodeRecordBatch(batch)) as KafkaError).code).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
  })
})

describe('iterateBatches', () => {
  it('yields each complete batch and stops quietly at a truncated tail', () => {
    const a = encodeRecordBatch({records: [{key: null, value: Buffer.from('a'), timestamp: 1}]})
    const b = encodeRecordBatch({records: [{key: null, value: Buffer.from('bb'), timestamp: 2}]})
    const blob = Buffer.concat([a, b, b.subarray(0, 30)])
    expect([...iterateBatches(blob)].map((batch) => batch.toString('hex'))).toEqual([a.toString('hex'), b.toString('hex')])
    expect([...iterateBatches(blob.subarray(0, 5))]).toEqual([])
    expect([...iterateBatches(null)]).toEqual([])
  })
})

function catchError(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}
