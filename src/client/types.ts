/** The record shapes the client hands to and gets back from the commands. */

export interface RecordHeader {
  key: string
  value: Buffer | null
}

/** A record to produce. Without `partition` the key decides (murmur2), or the sticky partition for a null key. */
export interface ProducerRecord {
  topic: string
  key: Buffer | null
  value: Buffer | null
  headers?: RecordHeader[]
  partition?: number
  /** CreateTime in ms; the producer stamps Date.now() when absent. */
  timestamp?: number
}

export type TimestampType = 'CreateTime' | 'LogAppendTime'

/** A record read back from a partition, with what Kafka's console consumer can print about it. */
export interface ConsumedRecord {
  topic: string
  partition: number
  offset: number
  timestamp: number
  timestampType: TimestampType
  /** The partition leader epoch the batch was written in; -1 when the broker does not track one. */
  leaderEpoch: number
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[]
}
