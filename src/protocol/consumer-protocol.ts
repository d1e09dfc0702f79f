/**
 * The "consumer" protocol payloads carried opaquely by JoinGroup (member metadata = a
 * Subscription) and SyncGroup (an Assignment): an int16 version, then a non-flexible struct
 * (ConsumerProtocolSubscription.json / ConsumerProtocolAssignment.json, v0-3). Newer versions
 * only append fields, so a reader parses them with the newest layout it knows, as Kafka does.
 */
import {decodeWith, encodeWith} from './codec.js'
import {DecodeError} from './errors.js'
import {Reader} from './reader.js'
import {array, bytes, type Infer, type Input, int32, string, struct} from './schema.js'
import {Writer} from './writer.js'

export const CONSUMER_PROTOCOL_TYPE = 'consumer'
export const CONSUMER_PROTOCOL_MAX_VERSION = 3

export const ConsumerProtocolSubscription = struct({
  topics: array(string()),
  userData: bytes({nullable: '0+'}),
  ownedPartitions: array(struct({topic: string(), partitions: array(int32())}), {v: '1+'}),
  generationId: int32({v: '2+', default: -1}),
  rackId: string({v: '3+', nullable: '3+'}),
})

export const ConsumerProtocolAssignment = struct({
  assignedPartitions: array(struct({topic: string(), partitions: array(int32())})),
  userData: bytes({nullable: '0+'}),
})

export type Subscription = Infer<typeof ConsumerProtocolSubscription>
export type Assignment = Infer<typeof ConsumerProtocolAssignment>

export function encodeSubscription(subscription: Input<Subscription>, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return versionPrefixed(version, (w) => encodeWith(ConsumerProtocolSubscription, version, false, w, subscription))
}

export function decodeSubscription(payload: Buffer): Subscription & {version: number} {
  const r = new Reader(payload)
  const version = readVersion(r)
  return {version, ...decodeWith(ConsumerProtocolSubscription, Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION), false, r)}
}

export function encodeAssignment(assignment: Input<Assignment>, version = CONSUMER_PROTOCOL_MAX_VERSION): Buffer {
  return versionPrefixed(version, (w) => encodeWith(ConsumerProtocolAssignment, version, false, w, assignment))
}

/** An empty payload (what SyncGroup carries for a member left without work) is an empty assignment. */
export function decodeAssignment(payload: Buffer): Assignment & {version: number} {
  if (payload.length === 0) return {version: 0, assignedPartitions: [], userData: null}
  const r = new Reader(payload)
  const version = readVersion(r)
  return {version, ...decodeWith(ConsumerProtocolAssignment, Math.min(version, CONSUMER_PROTOCOL_MAX_VERSION), false, r)}
}

function versionPrefixed(version: number, writeBody: (w: Writer) => void): Buffer {
  const w = new Writer(64)
  w.int16(version)
  writeBody(w)
  return Buffer.from(w.finish())
}

function readVersion(r: Reader): number {
  const version = r.int16()
  if (version < 0) throw new DecodeError(`consumer protocol payload has negative version ${version}`)
  return version
}
