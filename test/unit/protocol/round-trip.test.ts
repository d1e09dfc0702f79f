import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {APIS, apiByKey} from '../../../src/protocol/apis.js'
import {DecodeError} from '../../../src/protocol/errors.js'
import {decodeRequestBody, decodeRequestHeader, decodeResponse, encodeRequest, encodeResponse} from '../../../src/protocol/headers.js'
import {type ApiDefinition, isFlexible} from '../../../src/protocol/schema.js'
import {arbitraryFor, fillSample} from './samples.js'

function versions(api: ApiDefinition): number[] {
  return Array.from({length: api.maxVersion - api.minVersion + 1}, (_, i) => api.minVersion + i)
}

function requestRoundTrip(api: ApiDefinition, version: number, body: unknown): unknown {
  const frame = encodeRequest(api, version, 77, 'kbus-test', body as never).subarray(4)
  const header = decodeRequestHeader(frame, apiByKey)
  expect(header).toMatchObject({apiKey: api.key, apiVersion: version, correlationId: 77, clientId: 'kbus-test'})
  return decodeRequestBody(api, version, frame, header.bodyOffset)
}

function responseRoundTrip(api: ApiDefinition, version: number, body: unknown): unknown {
  const frame = encodeResponse(api, version, 78, body as never).subarray(4)
  const decoded = decodeResponse(api, version, frame)
  expect(decoded.correlationId).toBe(78)
  return decoded.body
}

const sides = [
  {side: 'request', schema: (api: ApiDefinition) => api.request, roundTrip: requestRoundTrip},
  {side: 'response', schema: (api: ApiDefinition) => api.response, roundTrip: responseRoundTrip},
] as const

describe.each(APIS.map((api) => [api.name, api] as const))('%s', (_name, api) => {
  for (const {side, schema, roundTrip} of sides) {
    it.each(versions(api))(`${side} round-trips at v%i`, (version) => {
      const flexible = isFlexible(api, version)
      for (const nulls of ['values', 'nulls'] as const) {
        const sample = fillSample(schema(api), version, flexible, nulls)
        expect(roundTrip(api, version, sample)).toEqual(sample)
      }
      fc.assert(
        fc.property(arbitraryFor(schema(api), version, flexible), (sample) => {
          expect(roundTrip(api, version, sample)).toEqual(sample)
        }),
        {numRuns: 15},
      )
    })
  }

  it.each(versions(api))('a truncated request or response at v%i fails with a DecodeError', (version) => {
    const flexible = isFlexible(api, version)
    const request = encodeRequest(api, version, 1, 'c', fillSample(api.request, version, flexible) as never).subarray(4)
    const {bodyOffset} = decodeRequestHeader(request, apiByKey)
    for (let cut = bodyOffset; cut < request.length; cut++) {
      expect(() => decodeRequestBody(api, version, request.subarray(0, cut), bodyOffset)).toThrow(DecodeError)
    }
    const response = encodeResponse(api, version, 1, fillSample(api.response, version, flexible) as never).subarray(4)
    for (let cut = 0; cut < response.length; cut++) {
      expect(() => decodeResponse(api, version, response.subarray(0, cut))).toThrow(DecodeError)
    }
  })
})
