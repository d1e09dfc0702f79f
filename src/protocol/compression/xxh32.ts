/**
 * xxHash32, which the LZ4 frame format uses for its header, block and content checksums. Kafka
 * only needs it for a few header bytes and for checking frames other clients wrote.
 */
const PRIME1 = 0x9e3779b1
const PRIME2 = 0x85ebca77
const PRIME3 = 0xc2b2ae3d
const PRIME4 = 0x27d4eb2f
const PRIME5 = 0x165667b1

export function xxh32(data: Uint8Array, start = 0, end = data.length, seed = 0): number {
  let p = start
  let hash: number
  if (end - start >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0
    let v2 = (seed + PRIME2) | 0
    let v3 = seed | 0
    let v4 = (seed - PRIME1) | 0
    for (const limit = end - 16; p <= limit; p += 16) {
      v1 = round(v1, readU32(data, p))
      v2 = round(v2, readU32(data, p + 4))
      v3 = round(v3, readU32(data, p + 8))
      v4 = round(v4, readU32(data, p + 12))
    }
    hash = rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)
  } else {
    hash = seed + PRIME5
  }
  hash = (hash + (end - start)) | 0
  for (; p + 4 <= end; p += 4) hash = Math.imul(rotl(hash + Math.imul(readU32(data, p), PRIME3), 17), PRIME4)
  for (; p < end; p++) hash = Math.imul(rotl(hash + Math.imul(data[p], PRIME5), 11), PRIME1)
  hash = Math.imul(hash ^ (hash >>> 15), PRIME2)
  hash = Math.imul(hash ^ (hash >>> 13), PRIME3)
  return (hash ^ (hash >>> 16)) >>> 0
}

function round(accumulator: number, lane: number): number {
  return Math.imul(rotl(accumulator + Math.imul(lane, PRIME2), 13), PRIME1)
}

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits))
}

function readU32(data: Uint8Array, p: number): number {
  return data[p] | (data[p + 1] << 8) | (data[p + 2] << 16) | (data[p + 3] << 24)
}
