import {describe, expect, it} from 'vitest'
import {
  decodeRequestBody,
  decodeRequestHeader,
  decodeResponse,
  encodeApiVersionsUnsupported,
  encodeRequest,
  encodeResponse,
} from '../../../src/protocol/headers.js'
import {apiByKey} from '../../../src/protocol/apis.js'
import {ApiVersions} from '../../../src/protocol/messages/18-api-versions.js'

const hex = (s: string) => Buffer.from(s.replace(/[^0-9a-f]/gi, ''), 'hex')
const ascii = (s: string) => Buffer.from(s).toString('hex')

// kafka-protocol.md §1.6: what librdkafka 2.10 sends first, and a broker's answers.
const LIBRDKAFKA_REQUEST = hex(
  `00000025 0012 0003 00000001 0007 ${ascii('rdkafka')} 00 0b ${ascii('librdkafka')} 07 ${ascii('2.10.0')} 00`,
)
const V3_RESPONSE = hex('0000001a 00000001 0000 03 0000 0000 000b 00 0012 0000 0004 00 00000000 00')
const UNSUPPORTED = hex('00000010 00000001 0023 00000001 0012 0000 0004')

describe('ApiVersions golden bytes', () => {
  it('decodes the librdkafka v3 request (header v2, compact strings)', () => {
    const frame = LIBRDKAFKA_REQUEST.subarray(4)
    const header = decodeRequestHeader(frame, apiByKey)
    expect(header).toMatchObject({apiKey: 18, apiVersion: 3, correlationId: 1, clientId: 'rdkafka'})
    const body = decodeRequestBody(ApiVersions, 3, frame, header.bodyOffset)
    expect(body).toEqual({clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.10.0'})
  })

  it('encodes the same request byte for byte', () => {
    const encoded = encodeRequest(ApiVersions, 3, 1, 'rdkafka', {clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.10.0'})
    expect(encoded.toString('hex')).toBe(LIBRDKAFKA_REQUEST.toString('hex'))
  })

  it('encodes the v3 response with a v0 header (no tag byte after the correlation id)', () => {
    const encoded = encodeResponse(ApiVersions, 3, 1, {
      errorCode: 0,
      apiKeys: [
        {apiKey: 0, minVersion: 0, maxVersion: 11},
        {apiKey: 18, minVersion: 0, maxVersion: 4},
      ],
      throttleTimeMs: 0,
    })
    expect(encoded.toString('hex')).toBe(V3_RESPONSE.toString('hex'))
    const {correlationId, body} = decodeResponse(ApiVersions, 3, encoded.subarray(4))
    expect(correlationId).toBe(1)
    expect(body.apiKeys).toEqual([
      {apiKey: 0, minVersion: 0, maxVersion: 11},
      {apiKey: 18, minVersion: 0, maxVersion: 4},
    ])
    expect(body.finalizedFeaturesEpoch).toBe(-1)
  })

  it('answers a too-new ApiVersions with the v0 UNSUPPORTED_VERSION body', () => {
    expect(encodeApiVersionsUnsupported(1, 4).toString('hex')).toBe(UNSUPPORTED.toString('hex'))
  })

  it('reads the UNSUPPORTED_VERSION answer to a v3 request as the v0 body it is', () => {
    const {correlationId, body} = decodeResponse(ApiVersions, 3, UNSUPPORTED.subarray(4))
    expect(correlationId).toBe(1)
    expect(body).toMatchObject({errorCode: 35, apiKeys: [{apiKey: 18, minVersion: 0, maxVersion: 4}]})
  })

  it('still reads the header of an ApiVersions request newer than kbus knows', () => {
    const frame = encodeRequest(ApiVersions, 4, 9, 'x', {clientSoftwareName: 'a', clientSoftwareVersion: 'b'}).subarray(4)
    frame.writeInt16BE(7, 2) // claim v7
    const header = decodeRequestHeader(frame, apiByKey)
    expect(header).toMatchObject({apiKey: 18, apiVersion: 7, correlationId: 9, clientId: 'x'})
    expect(frame[header.bodyOffset]).toBe(2) // compact "a" starts right after the header's tag byte
  })
})
