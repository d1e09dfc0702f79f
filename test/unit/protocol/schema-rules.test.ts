import {describe, expect, it} from 'vitest'
import {APIS, ApiKey, apiByKey} from '../../../src/protocol/apis.js'
import {encodeWith} from '../../../src/protocol/codec.js'
import {DecodeError, EncodeError} from '../../../src/protocol/errors.js'
import {
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponse,
  encodeRequest,
  encodeResponse,
} from '../../../src/protocol/headers.js'
import {Produce} from '../../../src/protocol/messages/00-produce.js'
import {Metadata} from '../../../src/protocol/messages/03-metadata.js'
import {JoinGroup} from '../../../src/protocol/messages/11-join-group.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'
import {DescribeTopicPartitions} from '../../../src/protocol/messages/75-describe-topic-partitions.js'
import {isFlexible} from '../../../src/protocol/schema.js'
import {Writer} from '../../../src/protocol/writer.js'

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex')

describe('tagged fields', () => {
  it('are written in ascending tag order, and only when not at their default', () => {
    const frame = encodeResponse(ApiVersions, 3, 1, {zkMigrationReady: true, finalizedFeaturesEpoch: 5, supportedFeatures: []})
    expect(frame.subarray(4).toString('hex')).toBe(
      hex('00000001 0000 01 00000000 02 | 01 08 0000000000000005 | 03 01 01').toString('hex'),
    )
  })

  it('are read in any order, and unknown tags are skipped', () => {
    const frame = hex('00000001 0000 01 00000000 03 | 03 01 01 | 09 02 abcd | 01 08 0000000000000005')
    const {body} = decodeResponse(ApiVersions, 3, frame)
    expect(body).toMatchObject({zkMigrationReady: true, finalizedFeaturesEpoch: 5, supportedFeatures: [], apiKeys: []})
  })

  it('are skipped in request headers too', () => {
    const frame = hex(`0012 0003 00000002 0001 ${Buffer.from('c').toString('hex')} 01 05 03 aabbcc | 02 61 02 62 00`)
    const header = decodeRequestHeader(frame, apiByKey)
    expect(decodeRequestBody(ApiVersions, 3, frame, header.bodyOffset)).toEqual({clientSoftwareName: 'a', clientSoftwareVersion: 'b'})
  })

  it('do not exist in non-flexible versions', () => {
    const frame = encodeResponse(ApiVersions, 2, 1, {zkMigrationReady: true})
    expect(frame.subarray(4).toString('hex')).toBe('00000001' + '0000' + '00000000' + '00000000')
    expect(decodeResponse(ApiVersions, 2, frame.subarray(4)).body.zkMigrationReady).toBe(false)
  })
})

describe('nullable structs', () => {
  it('carry an int8 marker: -1 null, 1 present', () => {
    const absent = encodeRequest(DescribeTopicPartitions, 0, 1, null, {cursor: null}).subarray(4)
    const present = encodeRequest(DescribeTopicPartitions, 0, 1, null, {cursor: {topicName: 't', partitionIndex: 3}}).subarray(4)
    const bodyOf = (frame: Buffer) => frame.subarray(decodeRequestHeader(frame, apiByKey).bodyOffset).toString('hex')
    expect(bodyOf(absent)).toBe(hex('01 000007d0 ff 00').toString('hex'))
    expect(bodyOf(present)).toBe(hex('01 000007d0 01 0274 00000003 00 00').toString('hex'))
  })
})

describe('defaults and nullability', () => {
  it('fills fields left out of an input with their declared default', () => {
    const {body} = decodeResponse(Metadata, 12, encodeResponse(Metadata, 12, 1, {}).subarray(4))
    expect(body).toEqual({
      throttleTimeMs: 0,
      brokers: [],
      clusterId: null,
      controllerId: -1,
      topics: [],
      clusterAuthorizedOperations: -2147483648, // a v8-10 field: absent at v12, so its default
    })
  })

  it('decodes a field missing from an older version as its default', () => {
    const frame = encodeResponse(Produce, 1, 1, {responses: [{name: 't', partitionResponses: [{index: 0, baseOffset: 5}]}]}).subarray(4)
    const [partition] = decodeResponse(Produce, 1, frame).body.responses[0].partitionResponses
    expect(partition).toMatchObject({logAppendTimeMs: -1, logStartOffset: -1, errorMessage: null, recordErrors: []})
  })

  it('refuses to encode null into a version where the field is not nullable', () => {
    expect(() => encodeResponse(JoinGroup, 6, 1, {protocolName: null})).toThrow(EncodeError)
    expect(() => encodeResponse(JoinGroup, 7, 1, {protocolName: null})).not.toThrow()
    expect(() => encodeRequest(Produce, 9, 1, null, {topicData: [{name: null as never}]})).toThrow(/topicData\[\]\.name cannot be null in version 9/)
  })

  it('leaves a nullable-somewhere field non-null where that version cannot carry null', () => {
    const {body} = decodeResponse(JoinGroup, 6, encodeResponse(JoinGroup, 6, 1, {}).subarray(4))
    expect(body.protocolName).toBe('')
  })

  it('refuses to decode null from a non-nullable field', () => {
    const frame = hex('0012 0003 00000002 ffff 00 | 00 02 62 00')
    const {bodyOffset} = decodeRequestHeader(frame, apiByKey)
    expect(() => decodeRequestBody(ApiVersions, 3, frame, bodyOffset)).toThrow(DecodeError)
  })
})

describe('records fields', () => {
  it('decode as a zero-copy view of the frame', () => {
    const batch = Buffer.from('0102030405', 'hex')
    const frame = encodeRequest(Produce, 9, 1, 'c', {acks: -1, topicData: [{name: 't', partitionData: [{index: 0, records: batch}]}]}).subarray(4)
    const {bodyOffset} = decodeRequestHeader(frame, apiByKey)
    const records = decodeRequestBody(Produce, 9, frame, bodyOffset).topicData[0].partitionData[0].records!
    expect(records.equals(batch)).toBe(true)
    expect(records.buffer).toBe(frame.buffer)
  })

  it('encode chunks back to back', () => {
    const chunks = [Buffer.from('aa', 'hex'), Buffer.from('bbcc', 'hex')]
    const one = encodeResponse(Produce, 3, 1, {responses: []})
    expect(one.length).toBeGreaterThan(0)
    const w = new Writer()
    encodeWith(Produce.request, 3, false, w, {topicData: [{name: 't', partitionData: [{index: 0, records: chunks}]}]})
    expect(w.finish().toString('hex')).toContain('00000003aabbcc')
  })
})

describe('header versions', () => {
  for (const api of APIS) {
    for (let version = api.minVersion; version <= api.maxVersion; version++) {
      const flexible = isFlexible(api, version)
      it(`${api.name} v${version}: request header v${flexible ? 2 : 1}, response header v${flexible && api.key !== 18 ? 1 : 0}`, () => {
        const request = encodeRequest(api, version, 5, 'id', {} as never).subarray(4)
        // api key, version, correlation id, int16-length client id (never compact), then tags iff flexible
        expect(request.readInt16BE(8)).toBe(2)
        expect(decodeRequestHeader(request, apiByKey).bodyOffset).toBe(12 + (flexible ? 1 : 0))

        const body = new Writer()
        encodeWith(api.response, version, flexible, body, {})
        const response = encodeResponse(api, version, 5, {} as never)
        expect(response.length - 4 - body.finish().length).toBe(flexible && api.key !== ApiKey.ApiVersions ? 5 : 4)
      })
    }
  }
})

describe('registry', () => {
  it('finds every API by its key', () => {
    for (const api of APIS) expect(apiByKey(api.key)).toBe(api)
    expect(new Set(APIS.map((api) => api.key)).size).toBe(APIS.length)
    expect(apiByKey(ApiKey.Produce)).toMatchObject({minVersion: 0, maxVersion: 12, flexibleFrom: 9})
    expect(apiByKey(999)).toBeUndefined()
  })
})
