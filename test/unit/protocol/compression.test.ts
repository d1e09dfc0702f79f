import {randomBytes} from 'node:crypto'
import {describe, expect, it} from 'vitest'
import {MAX_DECOMPRESSED_BYTES, compress, compressionByName, compressionName, decompress} from '../../../src/protocol/compression.js'
import {xxh32} from '../../../src/protocol/compression/xxh32.js'
import {DecodeError, ErrorCode, KafkaError} from '../../../src/protocol/errors.js'
import {BATCH_HEADER_SIZE, Compression, LOG_OVERHEAD, writeCrc} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch} from '../../../src/protocol/records.js'

const CODECS = [Compression.None, Compression.Gzip, Compression.Snappy, Compression.Lz4, Compression.Zstd]
const COMPRESSING = CODECS.filter((codec) => codec !== Compression.None)

function hex(text: string): Buffer {
  return Buffer.from(text.replace(/\s/g, ''), 'hex')
}

/** Text shaped like record batches: repeated keys and field names, changing numbers. */
function recordLikeText(size: number): Buffer {
  const lines: string[] = []
  let length = 0
  for (let i = 0; length < size; i++) {
    const line = `{"user":"user-${i % 113}","event":"click","seq":${i}}\n`
    lines.push(line)
    length += line.length
  }
  return Buffer.from(lines.join('')).subarray(0, size)
}

/** The same batch with another records section: the length and CRC fixed so only the payload differs. */
function withPayload(batch: Buffer, payload: Buffer): Buffer {
  const rebuilt = Buffer.concat([batch.subarray(0, BATCH_HEADER_SIZE), payload])
  rebuilt.writeInt32BE(rebuilt.length - LOG_OVERHEAD, 8)
  writeCrc(rebuilt)
  return rebuilt
}

function expectCorrupt(action: () => unknown): DecodeError {
  let thrown: unknown
  try {
    action()
  } catch (error) {
    thrown = error
  }
  expect(thrown).toBeInstanceOf(DecodeError)
  expect((thrown as DecodeError).code).toBe(ErrorCode.CORRUPT_MESSAGE)
  return thrown as DecodeError
}

function values(batch: Buffer): Array<[string | null, string | null]> {
  return decodeRecordBatch(batch).records.map((r) => [r.key?.toString() ?? null, r.value?.toString() ?? null])
}

// Batches kcat 1.7 (librdkafka) produced to a kbus daemon with `-z snappy|lz4|zstd`, read back
// from the partition's .log file: records k1 / k2 / "" (kcat's -K: reads an empty key before the colon).
const KCAT_RECORDS: Array<[string, string]> = [
  ['k1', 'hello hello hello hello kbus'],
  ['k2', 'second record second record second record'],
  ['', 'no key here no key here no key here'],
]
const KCAT_SNAPPY = hex(`
  00000000000000000000007d000000000258f882f8000200000002000001a20dbad10a000001a20dbad10a
  ffffffffffffffffffffffffffff0000000381013448000000046b313868656c6c6f20460600686b627573
  0062000002046b32527365636f6e64207265636f7264206a0e0048005200000400466e6f206b6579206865
  7265205a0c000000`)
const KCAT_LZ4 = hex(`
  00000000000000000000008f000000000217d3c799000300000002000001a20dbad1da000001a20dbad1da
  ffffffffffffffffffffffffffff0000000304224d186040824f000000ee48000000046b313868656c6c6f
  200600ff0c6b6275730062000002046b32527365636f6e64207265636f7264200e0008ff04005200000400
  466e6f206b65792068657265200c000050686572650000000000`)
const KCAT_ZSTD = hex(`
  0000000000000000000000830000000002b4a8278e000400000002000001a20dbad2aa000001a20dbad2aa
  ffffffffffffffffffffffffffff0000000328b52ffd00584d0200d40348000000046b313868656c6c6f20
  6b6275730062000002046b32527365636f6e64207265636f726420005200000400466e6f206b6579206865
  7265200003005fea70cc108f5794`)

// The lz4 1.9.4 command-line tool (`lz4 -BD -B4`) on LINKED_TEXT: linked 64 KiB blocks and a
// content checksum, which Kafka's Java producer never writes but other LZ4 writers do.
const LINKED_TEXT = Buffer.from(Array.from({length: 2500}, (_, i) => `record ${i % 10} of a linked lz4 frame\n`).join(''))
const LZ4_TOOL_LINKED = hex(`
  04224d1844405e59010000f3107265636f72642030206f662061206c696e6b6564206c7a34206672616d650a
  1f001f311f000b1f321f000b1f331f000b1f341f000b1f351f000b1f361f000b1f371f000b1f381f000b1f39
  1f000b0f3601ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffaa506d
  650a7265380000000f82ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff
  ffffffffffffffffffffffffffd25072616d650a00000000d6a810b0`)
// The same tool with block and content checksums and the content size (FLG 0x7c).
const SMALL_TEXT = Buffer.from('kbus kbus kbus: lz4 frames from the lz4 tool, kbus kbus kbus again and again and again.')
const LZ4_TOOL_CHECKSUMS = hex(`
  04224d187c405700000000000000a93e000000556b627573200500f1063a206c7a34206672616d6573206672
  6f6d20746865140056746f6f6c2c2900020a0098616761696e20616e640a00506761696e2edf2e50b0000000
  00fc87efdb`)
// zstd 1.5 (`zstd -19 --check`) on SMALL_TEXT: compressed blocks and a content checksum.
const ZSTD_TOOL = hex(`
  28b52ffd2457cd0100b4026b627573203a206c7a34206672616d65732066726f6d20746865746f6f6c2c2020
  616761696e20616e642e04002d088a4a9637054351b49ff24481`)

describe('round trips', () => {
  const sizes = [0, 1, 1024, 1024 * 1024]
  for (const codec of CODECS) {
    for (const size of sizes) {
      it(`${compressionName(codec)} keeps ${size} bytes of record-like text intact`, () => {
        const data = recordLikeText(size)
        expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true)
      })
    }
    it(`${compressionName(codec)} keeps 1 MiB of random bytes intact`, () => {
      const data = randomBytes(1024 * 1024)
      expect(decompress(codec, compress(codec, data)).equals(data)).toBe(true)
    })
  }

  it('snappy, lz4 and gzip shrink compressible batches; zstd stores them', () => {
    const data = recordLikeText(256 * 1024)
    for (const codec of [Compression.Gzip, Compression.Snappy, Compression.Lz4]) {
      expect(compress(codec, data).length).toBeLessThan(data.length / 3)
    }
    // Raw zstd blocks: 3 bytes per 128 KiB block plus a frame header.
    expect(compress(Compression.Zstd, data).length).toBeLessThan(data.length + 32)
  })

  it('lz4 repeats a byte run through an overlapping match', () => {
    const data = Buffer.concat([Buffer.from('ab'), Buffer.alloc(100_000, 0x61), Buffer.from('the end of it')])
    const compressed = compress(Compression.Lz4, data)
    expect(compressed.length).toBeLessThan(1000)
    expect(decompress(Compression.Lz4, compressed).equals(data)).toBe(true)
  })

  for (const codec of COMPRESSING) {
    it(`a ${compressionName(codec)} record batch decodes to the records it was built from`, () => {
      const records = Array.from({length: 500}, (_, i) => ({
        key: i % 3 === 0 ? null : Buffer.from(`key-${i}`),
        value: Buffer.from(`value ${i} `.repeat(i % 9)),
        headers: [{key: 'trace', value: Buffer.from(String(i))}],
        timestamp: 1_700_000_000_000 + i,
      }))
      const batch = encodeRecordBatch({records, compression: codec})
      const decoded = decodeRecordBatch(batch)
      expect(decoded.compression).toBe(codec)
      expect(decoded.records.map((r) => r.value?.toString())).toEqual(records.map((r) => r.value.toString()))
      expect(decoded.records[499].headers).toEqual([{key: 'trace', value: Buffer.from('499')}])
    })
  }
})

describe('batches other clients wrote', () => {
  it('reads librdkafka snappy (one raw block, no framing)', () => {
    expect(decodeRecordBatch(KCAT_SNAPPY).compression).toBe(Compression.Snappy)
    expect(values(KCAT_SNAPPY)).toEqual(KCAT_RECORDS)
  })

  it('reads librdkafka lz4', () => {
    expect(values(KCAT_LZ4)).toEqual(KCAT_RECORDS)
  })

  it('reads librdkafka zstd (compressed blocks)', () => {
    expect(values(KCAT_ZSTD)).toEqual(KCAT_RECORDS)
  })

  it('reads Java-style xerial-framed snappy', () => {
    const raw = KCAT_SNAPPY.subarray(BATCH_HEADER_SIZE)
    const chunkLength = Buffer.alloc(4)
    chunkLength.writeInt32BE(raw.length)
    const xerial = Buffer.concat([hex('82534e415050590000000001 00000001'), chunkLength, raw])
    expect(values(withPayload(KCAT_SNAPPY, xerial))).toEqual(KCAT_RECORDS)
  })

  it('reads lz4 frames with linked blocks and a content checksum', () => {
    expect(decompress(Compression.Lz4, LZ4_TOOL_LINKED).equals(LINKED_TEXT)).toBe(true)
  })

  it('refuses a match that crosses blocks in a frame that says its blocks are independent', () => {
    const relabelled = Buffer.from(LZ4_TOOL_LINKED)
    relabelled[4] |= 0x20
    relabelled[6] = (xxh32(relabelled, 4, 6) >>> 8) & 0xff
    expect(expectCorrupt(() => decompress(Compression.Lz4, relabelled)).message).toMatch(/before the data/)
  })

  it('reads lz4 frames with block checksums and a content size', () => {
    expect(decompress(Compression.Lz4, LZ4_TOOL_CHECKSUMS).equals(SMALL_TEXT)).toBe(true)
  })

  it('reads zstd frames with a content checksum', () => {
    expect(decompress(Compression.Zstd, ZSTD_TOOL).equals(SMALL_TEXT)).toBe(true)
  })

  it('reads concatenated zstd frames and skips skippable ones', () => {
    const skippable = hex('502a4d18 03000000 aabbcc')
    const joined = Buffer.concat([ZSTD_TOOL, skippable, compress(Compression.Zstd, Buffer.from(' and more'))])
    expect(decompress(Compression.Zstd, joined).toString()).toBe(`${SMALL_TEXT} and more`)
  })
})

describe('what kbus writes', () => {
  it('snappy: a xerial header, then length-prefixed raw blocks of at most 32 KiB input', () => {
    const data = recordLikeText(100 * 1024)
    const framed = compress(Compression.Snappy, data)
    expect(framed.subarray(0, 16).toString('hex')).toBe('82534e41505059000000000100000001')
    let chunks = 0
    for (let p = 16; p < framed.length; p += 4 + framed.readInt32BE(p)) chunks++
    expect(chunks).toBe(4)
  })

  it('lz4: Kafka\'s frame descriptor (independent 64 KiB blocks, no checksums) and its header checksum', () => {
    const frame = compress(Compression.Lz4, Buffer.from('hello'))
    expect(frame.subarray(0, 7).toString('hex')).toBe(`04224d186040${((xxh32(Buffer.from([0x60, 0x40])) >>> 8) & 0xff).toString(16)}`)
    expect(frame.subarray(-4).toString('hex')).toBe('00000000')
  })

  it('lz4: a block that does not shrink is stored', () => {
    const data = randomBytes(1000)
    const frame = compress(Compression.Lz4, data)
    expect(frame.readUInt32LE(7)).toBe((0x80000000 | 1000) >>> 0)
    expect(frame.subarray(11, 1011).equals(data)).toBe(true)
  })

  it('zstd: one frame that declares its size, raw blocks of at most 128 KiB', () => {
    const frame = compress(Compression.Zstd, Buffer.alloc(300 * 1024, 7))
    expect(frame.readUInt32LE(0)).toBe(0xfd2fb528)
    expect(frame[4]).toBe(0xa0) // 4-byte content size, single segment
    expect(frame.readUInt32LE(5)).toBe(300 * 1024)
    expect(frame.readUIntLE(9, 3)).toBe((128 * 1024) << 3)
  })
})

describe('bad input', () => {
  const garbage = hex('0102030405060708090a0b0c0d0e0f10111213141516171819')

  for (const codec of COMPRESSING) {
    it(`${compressionName(codec)}: garbage and cut-off payloads are CORRUPT_MESSAGE`, () => {
      expectCorrupt(() => decompress(codec, garbage))
      const good = compress(codec, recordLikeText(10_000))
      expectCorrupt(() => decompress(codec, good.subarray(0, good.length - 7)))
    })

    it(`${compressionName(codec)}: decodeRecordBatch reports a bad payload under a valid CRC as CORRUPT_MESSAGE`, () => {
      const batch = encodeRecordBatch({records: [{key: null, value: Buffer.from('x'.repeat(500)), timestamp: 1}], compression: codec})
      const payload = Buffer.from(batch.subarray(BATCH_HEADER_SIZE))
      payload.fill(0xee, Math.floor(payload.length / 2))
      expectCorrupt(() => decodeRecordBatch(withPayload(batch, payload)))
    })
  }

  it('lz4: a wrong header checksum', () => {
    const frame = compress(Compression.Lz4, recordLikeText(1000))
    frame[6] ^= 0xff
    expect(expectCorrupt(() => decompress(Compression.Lz4, frame)).message).toMatch(/header checksum/)
  })

  it('lz4: a wrong content checksum', () => {
    const frame = Buffer.from(LZ4_TOOL_CHECKSUMS)
    frame[frame.length - 1] ^= 1
    expect(expectCorrupt(() => decompress(Compression.Lz4, frame)).message).toMatch(/content checksum/)
  })

  it('codecs 5 to 7 are not Kafka codecs', () => {
    for (const codec of [5, 6, 7]) {
      let thrown: unknown
      try {
        decompress(codec as Compression, garbage)
      } catch (error) {
        thrown = error
      }
      expect((thrown as KafkaError).code).toBe(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE)
    }
  })
})

describe('decompression limit (CVE-2023-34455)', () => {
  const MiB = 1024 * 1024
  const zeros = Buffer.alloc(2 * MiB)

  it('is 64 MiB unless told otherwise', () => {
    expect(MAX_DECOMPRESSED_BYTES).toBe(64 * MiB)
  })

  for (const codec of COMPRESSING) {
    it(`${compressionName(codec)}: output past the limit fails, output up to it does not`, () => {
      const compressed = compress(codec, zeros)
      expect(decompress(codec, compressed, 2 * MiB).length).toBe(2 * MiB)
      expect(expectCorrupt(() => decompress(codec, compressed, 2 * MiB - 1)).message).toMatch(/more than 2097151 bytes/)
    })
  }

  it('snappy: a raw block claiming 4 GiB is refused from its length alone', () => {
    expectCorrupt(() => decompress(Compression.Snappy, hex('ffffffff0f 00')))
  })

  it('snappy: many small xerial chunks cannot add up past the limit', () => {
    const chunk = compress(Compression.Snappy, Buffer.alloc(32 * 1024)).subarray(16)
    const framed = Buffer.concat([hex('82534e41505059000000000100000001'), ...Array(40).fill(chunk)])
    expectCorrupt(() => decompress(Compression.Snappy, framed, MiB))
  })

  it('lz4: a declared content size past the limit is refused before decoding', () => {
    const frame = hex('04224d18 68 40 0000000001000000 00 00000000')
    frame[14] = (xxh32(frame, 4, 14) >>> 8) & 0xff
    expect(expectCorrupt(() => decompress(Compression.Lz4, frame)).message).toMatch(/more than/)
  })

  it('zstd: a declared content size or window past the limit is refused before decoding', () => {
    // Single segment, 8-byte content size of 4 GiB.
    expectCorrupt(() => decompress(Compression.Zstd, hex('28b52ffd e0 0000000001000000 010000')))
    // A 2 GiB window (exponent 21).
    expectCorrupt(() => decompress(Compression.Zstd, hex('28b52ffd 00 a8 010000')))
  })

  it('zstd: compressed blocks are counted at their 128 KiB maximum', () => {
    // An 8 MiB window and 600 one-byte compressed blocks: up to 75 MiB of output.
    const blocks = [...Array(599).fill(hex('0c0000 00')), hex('0d0000 00')]
    expectCorrupt(() => decompress(Compression.Zstd, Buffer.concat([hex('28b52ffd 00 68'), ...blocks])))
  })

  it('gzip: the same limit holds', () => {
    expectCorrupt(() => decompress(Compression.Gzip, compress(Compression.Gzip, zeros), MiB))
  })
})

describe('names', () => {
  it('maps Kafka compression.type names both ways', () => {
    for (const codec of CODECS) expect(compressionByName(compressionName(codec))).toBe(codec)
    expect(compressionByName('LZ4')).toBe(Compression.Lz4)
    expect(() => compressionByName('brotli')).toThrow(KafkaError)
  })
})

describe('xxh32', () => {
  it('matches the reference vectors', () => {
    expect(xxh32(Buffer.alloc(0))).toBe(0x02cc5d05)
    expect(xxh32(Buffer.from('a'))).toBe(0x550d7456)
    expect(xxh32(Buffer.from('abc'))).toBe(0x32d153ff)
    expect(xxh32(Buffer.from('Nobody inspects the spammish repetition'))).toBe(0xe2293b2f)
  })
})
