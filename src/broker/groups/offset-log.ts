/**
 * Committed offsets and group metadata, kept where Kafka keeps them: records in the internal
 * compacted topic `__consumer_offsets`, written through the same log as user data and replayed
 * at start. Keys and values use Kafka's layouts (OffsetCommitKey v1 / OffsetCommitValue v3,
 * GroupMetadataKey v2 / GroupMetadataValue v3), so Kafka's own tools can read them; a null value
 * is a tombstone.
 */
import {decodeWith, encodeWith} from '../../protocol/codec.js'
import {Reader} from '../../protocol/reader.js'
import {decodeRecordBatch, encodeRecordBatch} from '../../protocol/records.js'
import {array, int32, int64, string, struct, type Infer} from '../../protocol/schema.js'
import {Writer} from '../../protocol/writer.js'
import type {Topic, TopicManager} from '../topics.js'

export const OFFSETS_TOPIC = '__consumer_offsets'

const OffsetKey = struct({group: string(), topic: string(), partition: int32()})
const OffsetValue = struct({offset: int64(), leaderEpoch: int32(), metadata: string(), commitTimestamp: int64()})
const GroupKey = struct({group: string()})
const GroupValue = struct({
  protocolType: string(),
  generation: int32(),
  protocol: string({nullable: '0+'}),
  leader: string({nullable: '0+'}),
  currentStateTimestamp: int64(),
  members: array(struct({memberId: string()})),
})
const OFFSET_KEY_VERSION = 1
const OFFSET_VALUE_VERSION = 3
const GROUP_KEY_VERSION = 2
const GROUP_VALUE_VERSION = 3

export type CommittedOffset = Infer<typeof OffsetValue>
export interface GroupRecord {
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  currentStateTimestamp: number
}

export type OffsetLogEntry =
  | {kind: 'offset'; group: string; topic: string; partition: number; value: CommittedOffset | null}
  | {kind: 'group'; group: string; value: GroupRecord | null}

function versioned(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer()
  w.int16(version)
  write(w)
  return w.finish()
}

function encodeEntry(entry: OffsetLogEntry): {key: Buffer; value: Buffer | null} {
  if (entry.kind === 'offset') {
    const key = versioned(OFFSET_KEY_VERSION, (w) => encodeWith(OffsetKey, 0, false, w, entry))
    const value = entry.value && versioned(OFFSET_VALUE_VERSION, (w) => encodeWith(OffsetValue, 0, false, w, entry.value!))
    return {key, value}
  }
  const key = versioned(GROUP_KEY_VERSION, (w) => encodeWith(GroupKey, 0, false, w, entry))
  const value = entry.value && versioned(GROUP_VALUE_VERSION, (w) => encodeWith(GroupValue, 0, false, w, {...entry.value!, members: []}))
  return {key, value}
}

/** Reads one record back; records of kinds kbus does not write (e.g. transactions) are skipped. */
function decodeEntry(key: Buffer, value: Buffer | null): OffsetLogEntry | undefined {
  const keyReader = new Reader(key)
  const keyVersion = keyReader.int16()
  if (keyVersion === 0 || keyVersion === 1) {
    const {group, topic, partition} = decodeWith(OffsetKey, 0, false, keyReader)
    if (value === null) return {kind: 'offset', group, topic, partition, value: null}
    const valueReader = new Reader(value)
    if (valueReader.int16() !== OFFSET_VALUE_VERSION) return undefined
    return {kind: 'offset', group, topic, partition, value: decodeWith(OffsetValue, 0, false, valueReader)}
  }
  if (keyVersion === GROUP_KEY_VERSION) {
    const {group} = decodeWith(GroupKey, 0, false, keyReader)
    if (value === null) return {kind: 'group', group, value: null}
    const valueReader = new Reader(value)
    if (valueReader.int16() !== GROUP_VALUE_VERSION) return undefined
    const {protocolType, generation, protocol, leader, currentStateTimestamp} = decodeWith(GroupValue, 0, false, valueReader)
    return {kind: 'group', group, value: {protocolType, generation, protocol, leader, currentStateTimestamp}}
  }
  return undefined
}

/** Java's String.hashCode, which Kafka uses to place a group on a partition. */
function javaHashCode(text: string): number {
  let hash = 0
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0
  return hash
}

export function offsetsPartitionFor(groupId: string, partitions: number): number {
  const hash = javaHashCode(groupId)
  return (hash === -2147483648 ? 0 : Math.abs(hash)) % partitions
}

const REPLAY_CHUNK_BYTES = 1 << 20

export class OffsetLog {
  private topic: Topic | undefined
  private creating: Promise<Topic> | undefined

  constructor(
    private readonly topics: TopicManager,
    private readonly numPartitions: number,
  ) {}

  /** Appends the entries as one batch and resolves once it is on disk (fsync'd). */
  async append(groupId: string, entries: OffsetLogEntry[], now: number): Promise<void> {
    if (entries.length === 0) return
    const topic = await this.ensureTopic()
    const partition = topic.partitions[offsetsPartitionFor(groupId, topic.partitions.length)]
    const batch = encodeRecordBatch({
      records: entries.map((entry) => ({...encodeEntry(entry), headers: [], timestamp: now})),
    })
    await partition.append(batch, true)
  }

  /** Feeds every stored entry, oldest first per partition, to `apply`. */
  async replay(apply: (entry: OffsetLogEntry) => void): Promise<void> {
    const topic = this.topics.get(OFFSETS_TOPIC)
    if (!topic) return
    this.topic = topic
    for (const partition of topic.partitions) {
      let offset = partition.logStartOffset
      while (offset < partition.highWatermark) {
        const {batches} = await partition.read(offset, REPLAY_CHUNK_BYTES)
        if (batches.length === 0) break
        for (const batch of batches) {
          for (const record of decodeRecordBatch(batch).records) {
            if (record.offset < offset || record.key === null) continue
            const entry = decodeEntry(record.key, record.value)
            if (entry) apply(entry)
          }
        }
        const last = decodeRecordBatch(batches[batches.length - 1])
        offset = last.header.baseOffset + last.header.lastOffsetDelta + 1
      }
    }
  }

  private ensureTopic(): Promise<Topic> {
    if (this.topic) return Promise.resolve(this.topic)
    const existing = this.topics.get(OFFSETS_TOPIC)
    if (existing) return Promise.resolve((this.topic = existing))
    this.creating ??= this.topics
      .create({
        name: OFFSETS_TOPIC,
        partitions: this.numPartitions,
        configs: {'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer'},
      })
      .then((topic) => (this.topic = topic))
      .finally(() => (this.creating = undefined))
    return this.creating
  }
}
