/**
 * snappy (codec 2). Java's producer writes xerial framing (snappy-java's SnappyOutputStream: a
 * 16-byte header, then length-prefixed raw blocks); librdkafka writes one raw block. Reading
 * accepts both, as Java's own reader does; writing uses xerial framing, which every client reads.
 */
import {MAX_DECOMPRESSED_BYTES, corrupt, lazyPackage, tooLarge} from './common.js'

interface SnappyJs {
  compress(data: Buffer): Buffer
  uncompress(data: Buffer, maxLength?: number): Buffer
}

const snappyjs = lazyPackage<SnappyJs>('snappyjs')

/** "\x82SNAPPY\0", then int32 version 1 and int32 minimum compatible version 1. */
const XERIAL_HEADER = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1])
const XERIAL_MAGIC_LENGTH = 8
/** snappy-java's default block: each framed chunk compresses at most this much input. */
const XERIAL_BLOCK_SIZE = 32 * 1024

export function compressSnappy(data: Buffer): Buffer {
  const parts: Buffer[] = [XERIAL_HEADER]
  for (let start = 0; start < data.length; start += XERIAL_BLOCK_SIZE) {
    const block = snappyjs().compress(data.subarray(start, start + XERIAL_BLOCK_SIZE))
    const length = Buffer.allocUnsafe(4)
    length.writeInt32BE(block.length)
    parts.push(length, block)
  }
  return Buffer.concat(parts)
}

export function decompressSnappy(data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  return isXerialFramed(data) ? decompressXerial(data, limit) : uncompressBlock(data, limit, limit)
}

function isXerialFramed(data: Buffer): boolean {
  return data.length >= XERIAL_HEADER.length && data.compare(XERIAL_HEADER, 0, XERIAL_MAGIC_LENGTH, 0, XERIAL_MAGIC_LENGTH) === 0
}

function decompressXerial(data: Buffer, limit: number): Buffer {
  const blocks: Buffer[] = []
  let total = 0
  let offset = XERIAL_HEADER.length
  while (offset < data.length) {
    if (offset + 4 > data.length) throw corrupt('snappy', `a xerial chunk length is cut off at byte ${offset}`)
    const length = data.readInt32BE(offset)
    offset += 4
    if (length < 0 || offset + length > data.length) {
      throw corrupt('snappy', `a xerial chunk of ${length} bytes overruns the ${data.length}-byte payload`)
    }
    const block = uncompressBlock(data.subarray(offset, offset + length), limit - total, limit)
    blocks.push(block)
    total += block.length
    offset += length
  }
  return Buffer.concat(blocks, total)
}

/** One raw block, refused before any allocation when its stated length exceeds `room`. */
function uncompressBlock(block: Buffer, room: number, limit: number): Buffer {
  const length = statedLength(block)
  if (length > room) throw tooLarge('snappy', limit)
  try {
    return snappyjs().uncompress(block)
  } catch (error) {
    throw corrupt('snappy', (error as Error).message)
  }
}

/** A raw block starts with its uncompressed length as a little-endian base-128 varint. */
function statedLength(block: Buffer): number {
  let length = 0
  for (let i = 0; i < 5 && i < block.length; i++) {
    length += (block[i] & 0x7f) * 2 ** (7 * i)
    if (block[i] < 0x80) return length
  }
  throw corrupt('snappy', 'the block does not start with a valid length')
}
