/**
 * Framing entry points: request and response headers around a message body. These are what the
 * broker and the client call; everything below them is schema-driven.
 *
 * Header versions: a request uses header v2 (with a tag buffer) iff its API version is flexible,
 * v1 otherwise, and client_id is an int16-length string in both. A response uses header v1
 * (with a tag buffer) iff flexible, except ApiVersions whose response header is always v0 so
 * that a client of any version can read the error that tells it which versions to use.
 */
import {decodeWith, encodeWith} from './codec.js'
import {ErrorCode} from './errors.js'
import {ApiVersions} from './messages/18-api-versions.js'
import {Reader} from './reader.js'
import type {ApiDefinition, Input, RequestOf, ResponseOf} from './schema.js'
import {isFlexible} from './schema.js'
import {Writer} from './writer.js'

const SIZE_PREFIX = 4

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

/**
 * Reads the header of a request frame (the bytes after the 4-byte size). Whether a tag buffer
 * follows depends on the API's flexible threshold; versions past kbus's maximum count as
 * flexible too, so an ApiVersions v5 request still parses and gets its UNSUPPORTED_VERSION.
 * The API registry is passed in rather than imported: the client's start-up, which only writes
 * requests, then loads none of the schemas it does not use.
 */
export function decodeRequestHeader(
  frame: Buffer,
  apiByKey: (apiKey: number) => ApiDefinition | undefined,
): RequestHeader & {bodyOffset: number} {
  const r = new Reader(frame)
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  const clientId = r.nullableString()
  // An unknown API's header is read as v1: the caller closes the connection either way.
  const flexibleFrom = apiByKey(apiKey)?.flexibleFrom ?? null
  if (flexibleFrom !== null && apiVersion >= flexibleFrom) skipTags(r)
  return {apiKey, apiVersion, correlationId, clientId, bodyOffset: r.offset}
}

export function decodeRequestBody<A extends ApiDefinition>(api: A, version: number, frame: Buffer, bodyOffset: number): RequestOf<A> {
  const r = new Reader(frame, bodyOffset)
  return decodeWith(api.request, version, isFlexible(api, version), r) as RequestOf<A>
}

/** A whole request, WITH its 4-byte size prefix. */
export function encodeRequest<A extends ApiDefinition>(
  api: A,
  version: number,
  correlationId: number,
  clientId: string | null,
  body: Input<RequestOf<A>>,
): Buffer {
  const flexible = isFlexible(api, version)
  const w = new Writer()
  w.int32(0)
  w.int16(api.key)
  w.int16(version)
  w.int32(correlationId)
  w.string(clientId)
  if (flexible) w.emptyTags()
  encodeWith(api.request, version, flexible, w, body)
  return sizePrefixed(w)
}

/** A whole response, WITH its 4-byte size prefix. */
export function encodeResponse<A extends ApiDefinition>(api: A, version: number, correlationId: number, body: Input<ResponseOf<A>>): Buffer {
  return sizePrefixed(writeResponse(new Writer(), api, version, correlationId, body))
}

/** Records runs of at least this many bytes go out by reference in `encodeResponseChunks`. */
const REFERENCED_RUN_BYTES = 4096

/**
 * A whole response, WITH its size prefix, as chunks to write back to back: large byte runs (a
 * Fetch's records) are the caller's buffers, not copies. One chunk comes back as a plain Buffer.
 */
export function encodeResponseChunks<A extends ApiDefinition>(
  api: A,
  version: number,
  correlationId: number,
  body: Input<ResponseOf<A>>,
): Buffer | Buffer[] {
  const chunks = writeResponse(new Writer(256, REFERENCED_RUN_BYTES), api, version, correlationId, body).finishChunks()
  let size = 0
  for (const chunk of chunks) size += chunk.length
  // The first chunk starts with the size prefix: it is never a referenced run.
  chunks[0].writeInt32BE(size - SIZE_PREFIX, 0)
  return chunks.length === 1 ? chunks[0] : chunks
}

function writeResponse<A extends ApiDefinition>(w: Writer, api: A, version: number, correlationId: number, body: Input<ResponseOf<A>>): Writer {
  w.int32(0)
  w.int32(correlationId)
  if (responseHeaderHasTags(api, version)) w.emptyTags()
  encodeWith(api.response, version, isFlexible(api, version), w, body)
  return w
}

/** Decodes a response frame (the bytes after the 4-byte size). */
export function decodeResponse<A extends ApiDefinition>(api: A, version: number, frame: Buffer): {correlationId: number; body: ResponseOf<A>} {
  const r = new Reader(frame)
  const correlationId = r.int32()
  // A broker refusing our ApiVersions version answers with a v0 body whatever we sent; both
  // layouts start with the error code right after the (always v0) header.
  if (api.key === ApiVersions.key && version > 0 && frame.length >= 6 && frame.readInt16BE(4) === ErrorCode.UNSUPPORTED_VERSION) {
    version = 0
  }
  if (responseHeaderHasTags(api, version)) skipTags(r)
  const body = decodeWith(api.response, version, isFlexible(api, version), r) as ResponseOf<A>
  return {correlationId, body}
}

/** Reads only the correlation id of a response frame, to match it with its request. */
export function peekCorrelationId(frame: Buffer): number {
  return new Reader(frame).int32()
}

/**
 * The answer to an ApiVersions request of a version above kbus's maximum: a v0 body with
 * UNSUPPORTED_VERSION and ApiVersions' own range, so the client retries with a version kbus has.
 */
export function encodeApiVersionsUnsupported(correlationId: number, maxVersion: number): Buffer {
  return encodeResponse(ApiVersions, 0, correlationId, {
    errorCode: ErrorCode.UNSUPPORTED_VERSION,
    apiKeys: [{apiKey: ApiVersions.key, minVersion: 0, maxVersion}],
  })
}

export function responseHeaderHasTags(api: ApiDefinition, version: number): boolean {
  return api.key !== ApiVersions.key && isFlexible(api, version)
}

function sizePrefixed(w: Writer): Buffer {
  const frame = w.finish()
  w.int32At(0, frame.length - SIZE_PREFIX)
  return frame
}

function skipTags(r: Reader): void {
  const count = r.unsignedVarint()
  for (let i = 0; i < count; i++) {
    r.unsignedVarint()
    r.skip(r.unsignedVarint())
  }
}

