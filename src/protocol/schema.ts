/**
 * A small declarative language for Kafka messages. One schema per message lists its fields in
 * wire order with the versions each exists in, the versions it may be null in, and its tag and
 * default; the TypeScript type of a decoded message is inferred from the schema, so adding a
 * version is a one-line change and the types follow.
 *
 *   const request = struct({
 *     transactionalId: string({v: '3+', nullable: '3+'}),
 *     acks: int16(),
 *     topicData: array(struct({name: string(), partitionData: array(struct({...}))})),
 *   })
 *   type ProduceRequest = Infer<typeof request>
 *
 * Version ranges are Kafka's: "3+", "0-7", "5", "none".
 */

export type Kind =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'float64'
  | 'uuid'
  | 'string'
  | 'bytes'
  | 'records'
  | 'array'
  | 'struct'

export type DefaultValue = number | string | boolean | null

export interface FieldOptions {
  /** Versions the field exists in (absent: all the message's versions). */
  v?: string
  /** Versions in which the field may be null. */
  nullable?: string
  /** Tag number: in flexible versions the field travels in its struct's tag buffer. */
  tag?: number
  /** Versions in which the field is tagged (absent: all versions it exists in). */
  tagged?: string
  /** Value when the field is absent from a version or left out of an input. */
  default?: DefaultValue
}

export interface Field<T = unknown> {
  readonly kind: Kind
  readonly opts: FieldOptions
  /** Arrays: the element type. */
  readonly element?: Field
  /** Structs: the fields in wire order. */
  readonly fields?: Fields
  /** Carries the decoded type; never set at run time. */
  readonly __type?: T
}

export type Fields = {readonly [name: string]: Field<any>}

type Nullable<O, T> = O extends {nullable: string} ? T | null : T
type Simplify<T> = {[K in keyof T]: T[K]} & {}

/** The decoded type of a schema. */
export type Infer<F> = F extends Field<infer T> ? T : never

/**
 * What encoders accept for a decoded type T: every field may be left out (it gets its default),
 * and wherever a Buffer goes, chunks written back to back do too (stored batches pass through
 * without being concatenated first).
 */
export type Input<T> = T extends Buffer
  ? Buffer | readonly Buffer[]
  : T extends readonly (infer E)[]
    ? readonly Input<E>[]
    : T extends object
      ? {[K in keyof T]?: Input<T[K]>}
      : T

function field<T>(kind: Kind, opts: FieldOptions = {}, extra: Partial<Field> = {}): Field<T> {
  return {kind, opts, ...extra} as Field<T>
}

export const bool = <const O extends FieldOptions>(opts?: O) => field<boolean>('bool', opts)
export const int8 = <const O extends FieldOptions>(opts?: O) => field<number>('int8', opts)
export const int16 = <const O extends FieldOptions>(opts?: O) => field<number>('int16', opts)
export const uint16 = <const O extends FieldOptions>(opts?: O) => field<number>('uint16', opts)
export const int32 = <const O extends FieldOptions>(opts?: O) => field<number>('int32', opts)
export const uint32 = <const O extends FieldOptions>(opts?: O) => field<number>('uint32', opts)
/** int64 as a JS number (exact up to 2^53: offsets, timestamps and producer ids fit). */
export const int64 = <const O extends FieldOptions>(opts?: O) => field<number>('int64', opts)
export const float64 = <const O extends FieldOptions>(opts?: O) => field<number>('float64', opts)
/** A 16-byte UUID (topic ids), as raw bytes. */
export const uuid = <const O extends FieldOptions>(opts?: O) => field<Buffer>('uuid', opts)
export const string = <const O extends FieldOptions>(opts?: O) => field<Nullable<O, string>>('string', opts)
/** Opaque bytes, copied out of the frame on decode (they may outlive it). */
export const bytes = <const O extends FieldOptions>(opts?: O) => field<Nullable<O, Buffer>>('bytes', opts)
/** Concatenated RecordBatches, a zero-copy view of the frame on decode. */
export const records = <const O extends FieldOptions>(opts?: O) => field<Nullable<O, Buffer>>('records', opts)

export function array<E, const O extends FieldOptions>(element: Field<E>, opts?: O): Field<Nullable<O, E[]>> {
  return field('array', opts, {element})
}

export function struct<F extends Fields, const O extends FieldOptions>(
  fields: F,
  opts?: O,
): Field<Nullable<O, Simplify<{-readonly [K in keyof F]: Infer<F[K]>}>>> {
  return field('struct', opts, {fields})
}

export interface ApiDefinition<Req extends Field<any> = Field<any>, Res extends Field<any> = Field<any>> {
  readonly key: number
  readonly name: string
  /** The versions kbus speaks (and advertises) for this API. */
  readonly minVersion: number
  readonly maxVersion: number
  /** First flexible version (compact encodings, tag buffers); null if never flexible. */
  readonly flexibleFrom: number | null
  readonly request: Req
  readonly response: Res
}

export function defineApi<Req extends Field<any>, Res extends Field<any>>(api: ApiDefinition<Req, Res>): ApiDefinition<Req, Res> {
  return api
}

export type RequestOf<A extends ApiDefinition> = Infer<A['request']>
export type ResponseOf<A extends ApiDefinition> = Infer<A['response']>

export function isFlexible(api: ApiDefinition, version: number): boolean {
  return api.flexibleFrom !== null && version >= api.flexibleFrom
}

/** A parsed version range: inclusive bounds, or null for "none". */
export type VersionRange = readonly [min: number, max: number] | null

export function parseRange(range: string): VersionRange {
  if (range === 'none') return null
  const plus = /^(\d+)\+$/.exec(range)
  if (plus) return [Number(plus[1]), Infinity]
  const span = /^(\d+)-(\d+)$/.exec(range)
  if (span) return [Number(span[1]), Number(span[2])]
  if (/^\d+$/.test(range)) return [Number(range), Number(range)]
  throw new Error(`bad version range "${range}"`)
}

export function inRange(range: string | undefined, version: number): boolean {
  if (range === undefined) return true
  const parsed = parseRange(range)
  return parsed !== null && version >= parsed[0] && version <= parsed[1]
}
