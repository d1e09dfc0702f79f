/**
 * Record compression codecs (the low three bits of a batch's attributes). gzip comes from
 * node:zlib. snappy, lz4 and zstd are not implemented yet: they fail loudly with
 * UNSUPPORTED_COMPRESSION_TYPE instead of producing bytes no one can read. Each needs its own
 * framing work when added: snappy must read both xerial-framed (Java) and raw (librdkafka)
 * blocks, lz4 must write independent blocks (Java rejects linked ones), zstd needs Node ≥ 22.15
 * or a library.
 */
import {gunzipSync, gzipSync} from 'node:zlib'
import {ErrorCode, KafkaError} from './errors.js'
import {Compression} from './record-batch.js'

const NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const
export type CompressionName = (typeof NAMES)[number]

export function compressionName(codec: number): string {
  return NAMES[codec] ?? `unknown(${codec})`
}

/** The codec for a Kafka compression.type name ("gzip"); throws on names Kafka does not know. */
export function compressionByName(name: string): Compression {
  const codec = NAMES.indexOf(name.toLowerCase() as CompressionName)
  if (codec < 0) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown compression name: ${name}`)
  return codec as Compression
}

export function compress(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data
    case Compression.Gzip:
      return gzipSync(data)
    default:
      throw unsupported(codec)
  }
}

export function decompress(codec: Compression, data: Buffer): Buffer {
  switch (codec) {
    case Compression.None:
      return data
    case Compression.Gzip:
      // gunzipSync also reads multi-member streams, which some producers write.
      return gunzipSync(data)
    default:
      throw unsupported(codec)
  }
}

function unsupported(codec: number): KafkaError {
  return new KafkaError(ErrorCode.UNSUPPORTED_COMPRESSION_TYPE, `kbus does not support ${compressionName(codec)} compression yet`)
}
