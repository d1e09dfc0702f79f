/**
 * Reads the RecordBatch headers kbus stored for a partition straight from its segment files, so a
 * scenario can tell what a client really sent (its codec, whether it was idempotent) rather than
 * only what a reader gets back after decompression.
 */
import {existsSync, readFileSync, readdirSync} from 'node:fs'
import {join} from 'node:path'

export const CODEC_IDS = {none: 0, gzip: 1, snappy: 2, lz4: 3, zstd: 4} as const

export interface StoredBatch {
  baseOffset: number
  codec: number
  producerId: bigint
  baseSequence: number
}

export function storedBatches(kbusHome: string, topic: string, partition = 0): StoredBatch[] {
  const dir = join(kbusHome, 'data', `${topic}-${partition}`)
  if (!existsSync(dir)) throw new Error(`kbus has no log directory ${dir}`)
  const batches: StoredBatch[] = []
  for (const file of readdirSync(dir).filter((name) => name.endsWith('.log')).sort()) {
    const bytes = readFileSync(join(dir, file))
    // Layout (RecordBatch v2): baseOffset int64, batchLength int32, leaderEpoch int32, magic int8,
    // crc int32, attributes int16 @21, lastOffsetDelta int32, two int64 timestamps, producerId int64 @43,
    // producerEpoch int16, baseSequence int32 @53. A torn tail (batch still being written) is skipped.
    for (let at = 0; at + 61 <= bytes.length; ) {
      const size = 12 + bytes.readInt32BE(at + 8)
      if (at + size > bytes.length) break
      batches.push({
        baseOffset: Number(bytes.readBigInt64BE(at)),
        codec: bytes.readInt16BE(at + 21) & 0x07,
        producerId: bytes.readBigInt64BE(at + 43),
        baseSequence: bytes.readInt32BE(at + 53),
      })
      at += size
    }
  }
  return batches
}
