/**
 * Reads Kafka's primitive types from a buffer, front to back. Every read checks the bytes it
 * needs first, so a truncated or lying frame fails with a DecodeError naming what was cut
 * short, never with a RangeError from somewhere inside Buffer.
 */
import {DecodeError} from './errors.js'

const TWO_POW_32 = 0x1_0000_0000

export class Reader {
  offset: number
  readonly end: number

  constructor(
    readonly buf: Buffer,
    offset = 0,
    end = buf.length,
  ) {
    this.offset = offset
    this.end = end
  }

  get remaining(): number {
    return this.end - this.offset
  }

  /** Throws unless `n` more bytes are there; returns where they start. */
  private take(n: number, what: string): number {
    const at = this.offset
    if (n < 0 || at + n > this.end) {
      throw new DecodeError(`truncated: ${what} needs ${n} bytes at offset ${at}, ${this.end - at} left`)
    }
    this.offset = at + n
    return at
  }

  skip(n: number): void {
    this.take(n, 'skipped field')
  }

  bool(): boolean {
    return this.buf[this.take(1, 'bool')] !== 0
  }

  int8(): number {
    return this.buf.readInt8(this.take(1, 'int8'))
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2, 'int16'))
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.take(2, 'uint16'))
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4, 'int32'))
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4, 'uint32'))
  }

  /** int64 as a JS number: exact up to 2^53, which offsets, timestamps and producer ids stay within. */
  int64(): number {
    const at = this.take(8, 'int64')
    return this.buf.readInt32BE(at) * TWO_POW_32 + this.buf.readUInt32BE(at + 4)
  }

  float64(): number {
    return this.buf.readDoubleBE(this.take(8, 'float64'))
  }

  uuid(): Buffer {
    const at = this.take(16, 'uuid')
    return Buffer.from(this.buf.subarray(at, at + 16))
  }

  unsignedVarint(): number {
    let result = 0
    let shift = 0
    for (let i = 0; i < 5; i++) {
      const byte = this.buf[this.take(1, 'varint')]
      result += (byte & 0x7f) * 2 ** shift
      if ((byte & 0x80) === 0) return result > 0xffffffff ? result % TWO_POW_32 : result
      shift += 7
    }
    throw new DecodeError(`varint longer than 5 bytes at offset ${this.offset - 5}`)
  }

  /** Zig-zag varint (int32). */
  varint(): number {
    const z = this.unsignedVarint()
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2
  }

  /** Zig-zag varlong, as a JS number (exact within ±2^53). */
  varlong(): number {
    const start = this.offset
    let z = 0
    let scale = 1
    // Seven bytes carry 49 bits, exact in a double; longer encodings take the BigInt path.
    for (let i = 0; i < 7; i++) {
      const byte = this.buf[this.take(1, 'varlong')]
      z += (byte & 0x7f) * scale
      if ((byte & 0x80) === 0) return z % 2 === 0 ? z / 2 : -(z + 1) / 2
      scale *= 128
    }
    this.offset = start
    return this.bigVarlong()
  }

  private bigVarlong(): number {
    let z = 0n
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const byte = this.buf[this.take(1, 'varlong')]
      z |= BigInt(byte & 0x7f) << shift
      if ((byte & 0x80) === 0) {
        z = BigInt.asUintN(64, z)
        return Number((z >> 1n) ^ -(z & 1n))
      }
    }
    throw new DecodeError(`varlong longer than 10 bytes at offset ${this.offset - 10}`)
  }

  private utf8(length: number): string {
    const at = this.take(length, 'string')
    return this.buf.toString('utf8', at, at + length)
  }

  /** STRING / NULLABLE_STRING: int16 length, -1 = null. */
  nullableString(): string | null {
    const length = this.int16()
    if (length < 0) return null
    return this.utf8(length)
  }

  /** COMPACT_STRING / COMPACT_NULLABLE_STRING: unsigned varint length + 1, 0 = null. */
  compactNullableString(): string | null {
    const length = this.unsignedVarint() - 1
    if (length < 0) return null
    return this.utf8(length)
  }

  /** A zero-copy view of the next `length` bytes. */
  view(length: number, what = 'bytes'): Buffer {
    const at = this.take(length, what)
    return this.buf.subarray(at, at + length)
  }

  /** BYTES / NULLABLE_BYTES length: int32, -1 = null. */
  bytesLength(): number {
    return this.int32()
  }

  /** COMPACT_BYTES length: unsigned varint N + 1, so -1 = null. */
  compactBytesLength(): number {
    return this.unsignedVarint() - 1
  }

  /** ARRAY length: int32, -1 = null. Refuses counts the remaining bytes cannot hold. */
  arrayLength(): number {
    return this.checkCount(this.int32())
  }

  /** COMPACT_ARRAY length: unsigned varint N + 1, so -1 = null. */
  compactArrayLength(): number {
    return this.checkCount(this.unsignedVarint() - 1)
  }

  private checkCount(count: number): number {
    // Every element takes at least one byte: a larger count is a lie, and believing it would
    // allocate without bound.
    if (count > this.remaining) {
      throw new DecodeError(`array of ${count} elements cannot fit in ${this.remaining} bytes at offset ${this.offset}`)
    }
    return count
  }
}
