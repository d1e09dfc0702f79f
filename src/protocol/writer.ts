/**
 * Writes Kafka's primitive types into one growing buffer: a message is encoded with a handful
 * of allocations however many fields it has.
 */
import {EncodeError} from './errors.js'

const TWO_POW_32 = 0x1_0000_0000
const INT64_MAX = 9223372036854775807n
const INT64_MIN = -9223372036854775808n

export class Writer {
  private buf: Buffer
  offset = 0
  /** Finished pieces before the one being written, once a byte run has been referenced. */
  private pieces: Buffer[] | null = null
  /** Where the piece being written starts in `buf`. */
  private pieceStart = 0

  /**
   * `referenceFrom`: byte runs (`raw`, bytes, records) at least this long are kept by reference
   * and come out of `finishChunks` as chunks of their own, never copied: a Fetch response's
   * records go to the socket as the log read them.
   */
  constructor(
    initialSize = 256,
    private readonly referenceFrom = Infinity,
  ) {
    this.buf = Buffer.allocUnsafe(initialSize)
  }

  /** The bytes written so far (a view, not a copy, unless byte runs were referenced). */
  finish(): Buffer {
    if (this.pieces === null) return this.buf.subarray(0, this.offset)
    return Buffer.concat(this.finishChunks())
  }

  /** The bytes written so far as chunks to write back to back: views, referenced runs included. */
  finishChunks(): Buffer[] {
    const current = this.buf.subarray(this.pieceStart, this.offset)
    if (this.pieces === null) return [current]
    return current.length > 0 ? [...this.pieces, current] : this.pieces
  }

  private ensure(n: number): void {
    const need = this.offset + n
    if (need <= this.buf.length) return
    // Earlier pieces keep viewing the old buffer; only the piece being written moves.
    const grown = Buffer.allocUnsafe(Math.max(need - this.pieceStart, this.buf.length * 2))
    this.buf.copy(grown, 0, this.pieceStart, this.offset)
    this.offset -= this.pieceStart
    this.pieceStart = 0
    this.buf = grown
  }

  bool(value: boolean): void {
    this.ensure(1)
    this.buf[this.offset++] = value ? 1 : 0
  }

  int8(value: number): void {
    this.ensure(1)
    this.offset = this.buf.writeInt8(value, this.offset)
  }

  int16(value: number): void {
    this.ensure(2)
    this.offset = this.buf.writeInt16BE(value, this.offset)
  }

  uint16(value: number): void {
    this.ensure(2)
    this.offset = this.buf.writeUInt16BE(value, this.offset)
  }

  int32(value: number): void {
    this.ensure(4)
    this.offset = this.buf.writeInt32BE(value, this.offset)
  }

  uint32(value: number): void {
    this.ensure(4)
    this.offset = this.buf.writeUInt32BE(value, this.offset)
  }

  /** Writes `int32` at an earlier position (a size prefix known only at the end). */
  int32At(position: number, value: number): void {
    this.buf.writeInt32BE(value, position)
  }

  int64(value: number): void {
    this.ensure(8)
    if (Number.isSafeInteger(value)) {
      const high = Math.floor(value / TWO_POW_32)
      this.buf.writeInt32BE(high, this.offset)
      this.buf.writeUInt32BE(value - high * TWO_POW_32, this.offset + 4)
      this.offset += 8
      return
    }
    if (!Number.isInteger(value) && Math.abs(value) !== Infinity) {
      throw new EncodeError(`int64 field given ${value}, not an integer`)
    }
    // Beyond 2^53 (a Long.MAX_VALUE default reads back as 2^63): clamp into the int64 range.
    const clamped = value > 0 ? (value >= 2 ** 63 ? INT64_MAX : BigInt(value)) : value < -(2 ** 63) ? INT64_MIN : BigInt(value)
    this.offset = this.buf.writeBigInt64BE(clamped, this.offset)
  }

  float64(value: number): void {
    this.ensure(8)
    this.offset = this.buf.writeDoubleBE(value, this.offset)
  }

  uuid(value: Uint8Array): void {
    if (value.length !== 16) throw new EncodeError(`uuid must be 16 bytes, got ${value.length}`)
    this.raw(value)
  }

  unsignedVarint(value: number): void {
    this.ensure(5)
    let v = value >>> 0
    while (v > 0x7f) {
      this.buf[this.offset++] = (v & 0x7f) | 0x80
      v >>>= 7
    }
    this.buf[this.offset++] = v
  }

  /** Zig-zag varint (int32). */
  varint(value: number): void {
    this.unsignedVarint((value << 1) ^ (value >> 31))
  }

  /** Zig-zag varlong from a JS number (exact within ±2^53). */
  varlong(value: number): void {
    this.ensure(10)
    // Doubling stays exact below 2^52; past that the zig-zag value needs BigInt.
    if (Math.abs(value) > 2 ** 52) return this.bigVarlong(BigInt(value))
    let z = value >= 0 ? value * 2 : -value * 2 - 1
    while (z >= 128) {
      this.buf[this.offset++] = (z % 128) | 0x80
      z = Math.floor(z / 128)
    }
    this.buf[this.offset++] = z
  }

  private bigVarlong(value: bigint): void {
    let z = BigInt.asUintN(64, (value << 1n) ^ (value >> 63n))
    while (z >= 128n) {
      this.buf[this.offset++] = Number(z & 0x7fn) | 0x80
      z >>= 7n
    }
    this.buf[this.offset++] = Number(z)
  }

  raw(bytes: Uint8Array): void {
    if (bytes.length >= this.referenceFrom) return this.reference(bytes)
    this.ensure(bytes.length)
    this.buf.set(bytes, this.offset)
    this.offset += bytes.length
  }

  private reference(bytes: Uint8Array): void {
    this.pieces ??= []
    if (this.offset > this.pieceStart) this.pieces.push(this.buf.subarray(this.pieceStart, this.offset))
    this.pieces.push(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length))
    this.pieceStart = this.offset
  }

  /** STRING with int16 length; null writes -1 (callers check nullability). */
  string(value: string | null): void {
    if (value === null) return this.int16(-1)
    const length = Buffer.byteLength(value)
    if (length > 0x7fff) throw new EncodeError(`string of ${length} bytes exceeds the int16 length limit`)
    this.ensure(2 + length)
    this.offset = this.buf.writeInt16BE(length, this.offset)
    this.offset += this.buf.write(value, this.offset, length, 'utf8')
  }

  /** COMPACT_STRING: unsigned varint length + 1; null writes 0. */
  compactString(value: string | null): void {
    if (value === null) return this.unsignedVarint(0)
    const length = Buffer.byteLength(value)
    this.unsignedVarint(length + 1)
    this.ensure(length)
    this.offset += this.buf.write(value, this.offset, length, 'utf8')
  }

  /** Writes the tag buffer of a struct with no tagged fields set. */
  emptyTags(): void {
    this.ensure(1)
    this.buf[this.offset++] = 0
  }
}

/** Total length of a Buffer or of chunks written back to back. */
export function chunksLength(value: Uint8Array | readonly Uint8Array[]): number {
  if (!Array.isArray(value)) return (value as Uint8Array).length
  let total = 0
  for (const chunk of value as readonly Uint8Array[]) total += chunk.length
  return total
}

export function writeChunks(w: Writer, value: Uint8Array | readonly Uint8Array[]): void {
  if (!Array.isArray(value)) return w.raw(value as Uint8Array)
  for (const chunk of value as readonly Uint8Array[]) w.raw(chunk)
}
