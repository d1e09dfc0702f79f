/**
 * zstd (codec 4). Node 20 has no zstd in node:zlib and no npm compressor installs here without
 * downloading a binary, so reading uses fzstd (pure JS) and writing emits valid zstd frames made
 * of raw (stored) blocks: every zstd decoder reads them, but they do not shrink the data.
 */
import {MAX_DECOMPRESSED_BYTES, corrupt, lazyPackage, tooLarge} from './common.js'

interface Fzstd {
  decompress(data: Uint8Array): Uint8Array
}

const fzstd = lazyPackage<Fzstd>('fzstd')

const FRAME_MAGIC = 0xfd2fb528
const SKIPPABLE_MAGIC_MASK = 0xfffffff0
const SKIPPABLE_MAGIC = 0x184d2a50
/** A block regenerates at most this many bytes (and never more than the frame's window). */
const MAX_BLOCK_SIZE = 128 * 1024
const BLOCK_RAW = 0
const BLOCK_RLE = 1
const BLOCK_COMPRESSED = 2
const FHD_SINGLE_SEGMENT = 0x20

export function compressZstd(data: Buffer): Buffer {
  const header = frameHeader(data.length)
  const blockCount = Math.max(1, Math.ceil(data.length / MAX_BLOCK_SIZE))
  const out = Buffer.allocUnsafe(header.length + 3 * blockCount + data.length)
  header.copy(out)
  let o = header.length
  let start = 0
  do {
    const end = Math.min(start + MAX_BLOCK_SIZE, data.length)
    const last = end === data.length ? 1 : 0
    out.writeUIntLE(((end - start) << 3) | (BLOCK_RAW << 1) | last, o, 3)
    data.copy(out, o + 3, start, end)
    o += 3 + end - start
    start = end
  } while (start < data.length)
  return out
}

/** A single-segment header: the window is the content size, so a reader allocates just that. */
function frameHeader(contentSize: number): Buffer {
  let sizeFlag: number
  let size: Buffer
  if (contentSize < 256) {
    sizeFlag = 0
    size = Buffer.from([contentSize])
  } else if (contentSize < 65536 + 256) {
    sizeFlag = 1
    size = Buffer.allocUnsafe(2)
    size.writeUInt16LE(contentSize - 256)
  } else {
    sizeFlag = 2
    size = Buffer.allocUnsafe(4)
    size.writeUInt32LE(contentSize)
  }
  const start = Buffer.allocUnsafe(5)
  start.writeUInt32LE(FRAME_MAGIC)
  start[4] = (sizeFlag << 6) | FHD_SINGLE_SEGMENT
  return Buffer.concat([start, size])
}

export function decompressZstd(data: Buffer, limit = MAX_DECOMPRESSED_BYTES): Buffer {
  if (maxOutputSize(data, limit) > limit) throw tooLarge('zstd', limit)
  let result: Uint8Array
  try {
    result = fzstd().decompress(data)
  } catch (error) {
    throw corrupt('zstd', (error as Error).message)
  }
  return Buffer.from(result.buffer, result.byteOffset, result.byteLength)
}

/**
 * The most bytes `data` can decompress to, read from its frame and block headers alone, so a
 * crafted payload is refused before anything is allocated. Also refuses declared content and
 * window sizes past `limit`, since the decoder allocates those up front.
 */
function maxOutputSize(data: Buffer, limit: number): number {
  let total = 0
  let p = 0
  if (data.length === 0) throw corrupt('zstd', 'the payload is empty')
  while (p < data.length) {
    if (p + 4 > data.length) throw corrupt('zstd', 'a frame header is cut off')
    const magic = data.readUInt32LE(p)
    if (((magic & SKIPPABLE_MAGIC_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      if (p + 8 > data.length) throw corrupt('zstd', 'a skippable frame is cut off')
      p += 8 + data.readUInt32LE(p + 4)
      continue
    }
    if (magic !== FRAME_MAGIC) throw corrupt('zstd', `no zstd frame starts at byte ${p}`)
    const frame = readFrameHeader(data, p + 4)
    if (frame.window > limit || (frame.contentSize ?? 0) > limit) throw tooLarge('zstd', limit)
    const blockLimit = Math.min(frame.window, MAX_BLOCK_SIZE)
    p = frame.end
    for (let last = false; !last; ) {
      if (p + 3 > data.length) throw corrupt('zstd', 'a block header is cut off')
      const header = data.readUIntLE(p, 3)
      last = (header & 1) === 1
      const type = (header >> 1) & 3
      const size = header >>> 3
      p += 3
      if (type === BLOCK_RAW || type === BLOCK_RLE) {
        total += size
        p += type === BLOCK_RLE ? 1 : size
      } else if (type === BLOCK_COMPRESSED) {
        total += blockLimit
        p += size
      } else {
        throw corrupt('zstd', 'a block uses the reserved type')
      }
    }
    if (frame.checksum) p += 4
  }
  if (p > data.length) throw corrupt('zstd', 'the last frame is cut off')
  return total
}

interface FrameHeader {
  window: number
  contentSize: number | undefined
  checksum: boolean
  end: number
}

function readFrameHeader(data: Buffer, p: number): FrameHeader {
  if (p >= data.length) throw corrupt('zstd', 'a frame header is cut off')
  const descriptor = data[p++]
  if (descriptor & 0x08) throw corrupt('zstd', 'a frame header sets the reserved bit')
  if (descriptor & 0x03) throw corrupt('zstd', 'the frame needs a dictionary, which Kafka never uses')
  const singleSegment = (descriptor & FHD_SINGLE_SEGMENT) !== 0
  const sizeFlag = descriptor >> 6
  const sizeBytes = [singleSegment ? 1 : 0, 2, 4, 8][sizeFlag]
  if (p + (singleSegment ? 0 : 1) + sizeBytes > data.length) throw corrupt('zstd', 'a frame header is cut off')
  let window = 0
  if (!singleSegment) {
    const exponent = data[p] >> 3
    const base = 2 ** (10 + exponent)
    window = base + (base / 8) * (data[p] & 7)
    p++
  }
  let contentSize: number | undefined
  if (sizeBytes === 8) contentSize = Number(data.readBigUInt64LE(p))
  else if (sizeBytes > 0) contentSize = data.readUIntLE(p, sizeBytes) + (sizeBytes === 2 ? 256 : 0)
  p += sizeBytes
  if (singleSegment) window = contentSize ?? 0
  return {window, contentSize, checksum: (descriptor & 0x04) !== 0, end: p}
}
