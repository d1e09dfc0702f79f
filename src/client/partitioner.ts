/**
 * Kafka's default partitioner, so a key lands on the same partition whichever tool wrote it:
 * murmur2 of the key bytes for keyed records, a sticky partition for records without a key.
 */

const SEED = 0x9747b28c
const M = 0x5bd1e995
const R = 24

/** Kafka's `Utils.murmur2`: a signed 32-bit hash, little-endian 4-byte blocks. */
export function murmur2(data: Uint8Array): number {
  const length = data.length
  let h = (SEED ^ length) | 0
  const blocks = length >>> 2
  for (let index = 0; index < blocks; index++) {
    const at = index << 2
    let k = data[at] | (data[at + 1] << 8) | (data[at + 2] << 16) | (data[at + 3] << 24)
    k = Math.imul(k, M)
    k ^= k >>> R
    k = Math.imul(k, M)
    h = Math.imul(h, M) ^ k
  }
  const tail = blocks << 2
  const rest = length & 3
  // Kafka's switch falls through from the longest tail down to one byte.
  if (rest > 0) {
    if (rest === 3) h ^= data[tail + 2] << 16
    if (rest >= 2) h ^= data[tail + 1] << 8
    h ^= data[tail]
    h = Math.imul(h, M)
  }
  h ^= h >>> 13
  h = Math.imul(h, M)
  h ^= h >>> 15
  return h | 0
}

/** Kafka's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for INT_MIN). */
export function toPositive(value: number): number {
  return value & 0x7fffffff
}

/** The partition Kafka's Java producer picks for a non-null key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions
}

/**
 * Where records without a key go: one partition per topic until a batch for it is sent, then
 * another one, so null-key records fill whole batches instead of one tiny batch per partition
 * (Kafka's "uniform sticky" behaviour, KIP-480/KIP-794).
 */
export class StickyPartitioner {
  private readonly current = new Map<string, number>()

  constructor(private readonly random: () => number = Math.random) {}

  partition(topic: string, numPartitions: number): number {
    let partition = this.current.get(topic)
    if (partition === undefined || partition >= numPartitions) {
      partition = Math.floor(this.random() * numPartitions)
      this.current.set(topic, partition)
    }
    return partition
  }

  /** A batch for `partition` was closed: move the topic's null-key records elsewhere. */
  batchClosed(topic: string, partition: number, numPartitions: number): void {
    if (this.current.get(topic) !== partition) return
    if (numPartitions <= 1) return
    // Pick among the others so a switch always moves.
    let next = Math.floor(this.random() * (numPartitions - 1))
    if (next >= partition) next++
    this.current.set(topic, next)
  }
}
