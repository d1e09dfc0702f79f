/**
 * lz4 (codec 3): the LZ4 frame format, written the way Kafka's Java producer writes it
 * (independent 64 KiB blocks, no checksums but the header's) because Java's reader refuses linked
 * blocks. Reading also accepts what other writers add: linked blocks, larger blocks, block and
 * content checksums, a content size.
 */
import {MAX_DECOMPRESSED_BYTES, corrupt, tooLarge} from './common.js'
import {xxh32} from './xxh32.js'

const FRAME_MAGIC = 0x184d2204
const FLG_VERSION_1 = 0x40
const FLG_BLOCK_INDEPENDENT = 0x20
const FLG_BLOCK_CHECKSUM = 0x10
const FLG_CONTENT_SIZE = 0x08
const FLG_CONTENT_CHECKSUM = 0x04
const FLG_RESERVED = 0x02
const FLG_DICTIONARY_ID = 0x01
const BD_64KIB = 0x40
const STORED_BLOCK = 0x80000000

/** BD's block-size code (bits 4..6) → the largest block a frame may hold. */
const MAX_BLOCK_SIZES: Record<number, number> = {4: 64 * 1024, 5: 256 * 1024, 6: 1024 * 1024, 7: 4 * 1024 * 1024}
const WRITE_BLOCK_SIZE = 64 * 1024

// LZ4 block rules: a match is at least 4 bytes, the last 5 bytes of a block are literals, and the
// last match starts at least 12 bytes before the end (decoders rely on both for fast copies).
const MIN_MATCH = 4
const LAST_LITERALS = 5
const MATCH_START_LIMIT = 12
const MAX_OFFSET = 0xffff
const HASH_BITS = 12

export function compressLz4(data: Buffer): Buffer {
  const blockCount = Math.ceil(data.length / WRITE_BLOCK_SIZE)
  // Worst case every block is stored: header, a length word per block, the end mark.
  const out = Buffer.allocUnsafe(7 + data.length + 4 * blockCount + 4)
  out.writeUInt32LE(FRAME_MAGIC, 0)
  out[4] = FLG_VERSION_1 | FLG_BLOCK_INDEPENDENT
  out[5] = BD_64KIB
  out[6] = headerChecksum(out, 4, 6)
  let o = 7
  const scratch = Buffer.allocUnsafe(WRITE_BLOCK_SIZE + Math.ceil(WRITE_BLOCK_SIZE / 255) + 16)
  const table = new Int32Array(1 << HASH_BITS)
  for (let start = 0; start < data.length; start += WRITE_BLOCK_SIZE) {
    const end = Math.min(start + WRITE_BLOCK_SIZE, data.length)
    const size = compressBlock(data, start, end, scratch, table)
    if (size < end - start) {
      out.writeUInt32LE(size, o)
      scratch.copy(out, o + 4, 0, size)
      o += 4 + size
    } else {
      out.writeUInt32LE((STORED_BLOCK | (end - start)) >>> 0, o)
      data.copy(out, o + 4, start, end)
      o += 4 + end - start
    }
  }
  out.writeUInt32LE(0, o)
  return out.subarray(0, o + 4)
}

/** Greedy single-probe matcher: fast, and good enough for record batches full of repeated names. */
function compressBlock(src: Buffer, start: number, end: number, out: Buffer, table: Int32Array): number {
  table.fill(-1)
  let o = 0
  let anchor = start
  const lastMatchStart = end - MATCH_START_LIMIT
  const matchEndLimit = end - LAST_LITERALS
  let i = start
  while (i <= lastMatchStart) {
    const sequence = src.readUInt32LE(i)
    const slot = Math.imul(sequence, 0x9e3779b1) >>> (32 - HASH_BITS)
    const candidate = table[slot]
    table[slot] = i
    if (candidate < start || i - candidate > MAX_OFFSET || src.readUInt32LE(candidate) !== sequence) {
      // Step further the longer nothing matches, so incompressible input stays cheap.
      i += 1 + ((i - anchor) >> 6)
      continue
    }
    let length = MIN_MATCH
    while (i + length < matchEndLimit && src[i + length] === src[candidate + length]) length++
    const token = o
    o = writeSequence(src, anchor, i - anchor, out, o)
    out[token] |= Math.min(length - MIN_MATCH, 15)
    out[o++] = (i - candidate) & 0xff
    out[o++] = (i - candidate) >>> 8
    if (length - MIN_MATCH >= 15) o = writeLengthTail(length - MIN_MATCH - 15, out, o)
    i += length
    anchor = i
  }
  return writeSequence(src, anchor, end - anchor, out, o)
}

/** A token with the literal count (match nibble 0, filled in by the caller), then the literals. */
function writeSequence(src: Buffer, from: number, count: number, out: Buffer, o: number): number {
  out[o++] = Math.min(count, 15) << 4
  if (count >= 15) o = writeLengthTail(count - 15, out, o)
  src.copy(out, o, from, from + count)
  return o + count
}

function writeLengthTail(rest: number, out: Buffer, o: number): number {
  for (; rest >= 255; rest -= 255) out[o++] = 255
  out[o++] = rest
  return o
}

export function decompressLz4(data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  if (data.length < 7 || data.readUInt32LE(0) !== FRAME_MAGIC) throw corrupt('lz4', 'it does not start with an LZ4 frame header')
  const flags = data[4]
  const descriptor = data[5]
  if ((flags & 0xc0) !== FLG_VERSION_1) throw corrupt('lz4', `frame version ${flags >> 6} is not 1`)
  if (flags & (FLG_RESERVED | FLG_DICTIONARY_ID) || descriptor & 0x8f) {
    throw corrupt('lz4', 'the frame uses reserved bits or a dictionary')
  }
  const maxBlock = MAX_BLOCK_SIZES[(descriptor >> 4) & 7]
  if (maxBlock === undefined) throw corrupt('lz4', `block size code ${(descriptor >> 4) & 7} is not defined`)
  let p = 6
  let contentSize: number | undefined
  if (flags & FLG_CONTENT_SIZE) {
    if (data.length < p + 9) throw corrupt('lz4', 'the frame header is cut off')
    const declared = data.readBigUInt64LE(p)
    if (declared > BigInt(limit)) throw tooLarge('lz4', limit)
    contentSize = Number(declared)
    p += 8
  }
  if (data[p] !== headerChecksum(data, 4, p)) throw corrupt('lz4', 'the frame header checksum does not match')
  p++

  const output = new GrowingOutput(contentSize ?? Math.min(limit, Math.max(WRITE_BLOCK_SIZE, data.length * 4)), limit)
  const independent = (flags & FLG_BLOCK_INDEPENDENT) !== 0
  const checksumSize = flags & FLG_BLOCK_CHECKSUM ? 4 : 0
  for (;;) {
    if (p + 4 > data.length) throw corrupt('lz4', 'the frame ends before its end mark')
    const word = data.readUInt32LE(p)
    p += 4
    if (word === 0) break
    const size = word & ~STORED_BLOCK
    if (size > maxBlock) throw corrupt('lz4', `a ${size}-byte block exceeds the frame's ${maxBlock}-byte blocks`)
    if (p + size + checksumSize > data.length) throw corrupt('lz4', 'a block runs past the end of the frame')
    if (checksumSize && data.readUInt32LE(p + size) !== xxh32(data, p, p + size)) {
      throw corrupt('lz4', 'a block checksum does not match')
    }
    if (word & STORED_BLOCK) {
      output.append(data, p, p + size)
    } else {
      output.decodeBlock(data, p, p + size, maxBlock, independent)
    }
    p += size + checksumSize
  }
  const result = output.result()
  if (flags & FLG_CONTENT_CHECKSUM) {
    if (p + 4 > data.length) throw corrupt('lz4', 'the content checksum is cut off')
    if (data.readUInt32LE(p) !== xxh32(result)) throw corrupt('lz4', 'the content checksum does not match')
    p += 4
  }
  if (p !== data.length) throw corrupt('lz4', `${data.length - p} bytes follow the frame`)
  if (contentSize !== undefined && result.length !== contentSize) {
    throw corrupt('lz4', `the frame holds ${result.length} bytes but declares ${contentSize}`)
  }
  return result
}

/** Kafka (magic ≥ 1) and the LZ4 spec: the second byte of xxh32 over FLG..the last optional field. */
function headerChecksum(frame: Buffer, start: number, end: number): number {
  return (xxh32(frame, start, end) >>> 8) & 0xff
}

/** The decompressed bytes so far, in one buffer so linked blocks can copy from earlier ones. */
class GrowingOutput {
  private buffer: Buffer
  private length = 0

  constructor(
    initialSize: number,
    private readonly limit: number,
  ) {
    this.buffer = Buffer.allocUnsafe(initialSize)
  }

  append(src: Buffer, start: number, end: number): void {
    this.reserve(this.length, end - start)
    src.copy(this.buffer, this.length, start, end)
    this.length += end - start
  }

  /** Decodes one compressed block; a match may reach into earlier blocks only when they are linked. */
  decodeBlock(src: Buffer, s: number, end: number, maxBlock: number, independent: boolean): void {
    const blockStart = this.length
    const room = Math.min(maxBlock, this.limit - blockStart)
    // LZ4 inflates at most ~255:1, so this usually sizes the buffer for the whole block at once.
    this.reserve(blockStart, Math.min(room, (end - s) * 255))
    let o = blockStart
    for (;;) {
      if (s >= end) throw corrupt('lz4', 'a block ends inside a sequence')
      const token = src[s++]
      let literals = token >>> 4
      if (literals === 15) [literals, s] = readLengthTail(src, s, end, literals)
      if (s + literals > end) throw corrupt('lz4', 'literals run past the end of a block')
      o = this.ensure(o, literals, blockStart, room)
      src.copy(this.buffer, o, s, s + literals)
      s += literals
      o += literals
      if (s === end) break
      if (s + 2 > end) throw corrupt('lz4', 'a match offset is cut off')
      const offset = src[s] | (src[s + 1] << 8)
      s += 2
      if (offset === 0 || o - offset < (independent ? blockStart : 0)) throw corrupt('lz4', 'a match points before the data')
      let length = token & 15
      if (length === 15) [length, s] = readLengthTail(src, s, end, length)
      length += MIN_MATCH
      o = this.ensure(o, length, blockStart, room)
      copyMatch(this.buffer, o, offset, length)
      o += length
    }
    this.length = o
  }

  result(): Buffer {
    return this.buffer.subarray(0, this.length)
  }

  /** Checks `count` more bytes at `o` fit the block and the limit, growing the buffer if needed. */
  private ensure(o: number, count: number, blockStart: number, room: number): number {
    if (o + count - blockStart > room) {
      if (room < this.limit - blockStart) throw corrupt('lz4', 'a block inflates past the frame\'s block size')
      throw tooLarge('lz4', this.limit)
    }
    this.reserve(o, count)
    return o
  }

  /** Makes room for `count` bytes after the first `used`, keeping those. */
  private reserve(used: number, count: number): void {
    const needed = used + count
    if (needed > this.limit) throw tooLarge('lz4', this.limit)
    if (needed <= this.buffer.length) return
    const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(needed, this.buffer.length * 2)))
    this.buffer.copy(grown, 0, 0, used)
    this.buffer = grown
  }
}

function readLengthTail(src: Buffer, s: number, end: number, length: number): [number, number] {
  let byte: number
  do {
    if (s >= end) throw corrupt('lz4', 'a length runs past the end of a block')
    byte = src[s++]
    length += byte
  } while (byte === 255)
  return [length, s]
}

/** Copies a match; an offset shorter than the length repeats the bytes just written. */
function copyMatch(buffer: Buffer, o: number, offset: number, length: number): void {
  const from = o - offset
  if (offset >= length) {
    buffer.copyWithin(o, from, from + length)
    return
  }
  for (let i = 0; i < length; i++) buffer[o + i] = buffer[from + i]
}
