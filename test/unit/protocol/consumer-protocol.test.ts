import {describe, expect, it} from 'vitest'
import {
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
} from '../../../src/protocol/consumer-protocol.js'
import {DecodeError} from '../../../src/protocol/errors.js'

describe('consumer protocol payloads', () => {
  it('write a v0 subscription the way Kafka lays it out: version, topics, user data', () => {
    const payload = encodeSubscription({topics: ['ab'], userData: null}, 0)
    expect(payload.toString('hex')).toBe('0000' + '00000001' + '00026162' + 'ffffffff')
  })

  it.each([0, 1, 2, 3])('round-trip a subscription at v%i', (version) => {
    const full = {
      topics: ['a', 'b'],
      userData: Buffer.from('ud'),
      ownedPartitions: [{topic: 'a', partitions: [0, 2]}],
      generationId: 4,
      rackId: 'r1',
    }
    const decoded = decodeSubscription(encodeSubscription(full, version))
    expect(decoded.version).toBe(version)
    expect(decoded.topics).toEqual(['a', 'b'])
    expect(decoded.ownedPartitions).toEqual(version >= 1 ? full.ownedPartitions : [])
    expect(decoded.generationId).toBe(version >= 2 ? 4 : -1)
    expect(decoded.rackId).toBe(version >= 3 ? 'r1' : null)
  })

  it('read a newer version with the newest layout known, ignoring what follows', () => {
    const v3 = encodeSubscription({topics: ['t'], rackId: 'x'}, 3)
    const v9 = Buffer.concat([v3, Buffer.from('ffff', 'hex')])
    v9.writeInt16BE(9, 0)
    expect(decodeSubscription(v9)).toMatchObject({version: 9, topics: ['t'], rackId: 'x'})
  })

  it('round-trip an assignment', () => {
    const assignment = {assignedPartitions: [{topic: 't', partitions: [1, 3]}], userData: null}
    expect(decodeAssignment(encodeAssignment(assignment, 1))).toEqual({version: 1, ...assignment})
  })

  it('read an empty SyncGroup assignment as no partitions', () => {
    expect(decodeAssignment(Buffer.alloc(0))).toEqual({version: 0, assignedPartitions: [], userData: null})
  })

  it('fail with a DecodeError on a cut payload', () => {
    const payload = encodeSubscription({topics: ['topic']})
    expect(() => decodeSubscription(payload.subarray(0, payload.length - 3))).toThrow(DecodeError)
  })
})
