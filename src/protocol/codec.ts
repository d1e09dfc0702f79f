/**
 * The one encoder/decoder: it walks a schema for a (version, flexible) pair. Each pair is
 * compiled once, lazily, into a tree of closures and cached, so the hot path does no version
 * checks and no schema lookups.
 *
 * Flexible versions (KIP-482): compact strings, bytes, arrays and records; a tag buffer at the
 * end of every struct; tagged fields only inside it, written in ascending tag order, read in any
 * order, unknown tags skipped.
 */
import {DecodeError, EncodeError} from './errors.js'
import {Reader} from './reader.js'
import type {Field, Input} from './schema.js'
import {inRange} from './schema.js'
import {Writer, chunksLength, writeChunks} from './writer.js'

type Read = (r: Reader) => unknown
type Write = (w: Writer, value: unknown) => void

export interface Codec<T = unknown> {
  read(r: Reader): T
  write(w: Writer, value: Input<T> | undefined): void
}

const compiled = new WeakMap<Field, Map<number, Codec>>()

/** The codec of a schema at one version, compiled on first use. */
export function codecFor<T>(schema: Field<T>, version: number, flexible: boolean): Codec<T> {
  let byVersion = compiled.get(schema)
  if (!byVersion) compiled.set(schema, (byVersion = new Map()))
  const key = version * 2 + (flexible ? 1 : 0)
  let codec = byVersion.get(key)
  if (!codec) byVersion.set(key, (codec = compileField(schema, version, flexible, '')))
  return codec as Codec<T>
}

export function decodeWith<T>(schema: Field<T>, version: number, flexible: boolean, r: Reader): T {
  return codecFor(schema, version, flexible).read(r)
}

export function encodeWith<T>(schema: Field<T>, version: number, flexible: boolean, w: Writer, value: Input<T>): void {
  codecFor(schema, version, flexible).write(w, value)
}

/** The value a field takes when a version lacks it or an input leaves it out. */
export function defaultOf(field: Field, nullableNow = true): unknown {
  const declared = field.opts.default
  if (declared === null || (declared === undefined && field.opts.nullable !== undefined)) {
    if (nullableNow) return null
  } else if (declared !== undefined) {
    return declared
  }
  return zeroOf(field)
}

/** Defaults that are objects are made fresh per use: a decoded message may be mutated. */
function defaultMaker(field: Field, nullable: boolean): () => unknown {
  const fallback = defaultOf(field, nullable)
  if (typeof fallback === 'object' && fallback !== null) return () => defaultOf(field, nullable)
  return () => fallback
}

function zeroOf(field: Field): unknown {
  switch (field.kind) {
    case 'bool':
      return false
    case 'string':
      return ''
    case 'bytes':
      return Buffer.alloc(0)
    case 'records':
      return null
    case 'uuid':
      return Buffer.alloc(16)
    case 'array':
      return []
    case 'struct': {
      const value: Record<string, unknown> = {}
      for (const [name, child] of Object.entries(field.fields!)) value[name] = defaultOf(child)
      return value
    }
    default:
      return 0
  }
}

/**
 * A test for "this value equals the field's default", built once per tagged field: Kafka leaves
 * default-valued tagged fields out of the tag buffer, and so does kbus.
 */
function defaultTest(field: Field): (value: unknown) => boolean {
  const fallback = defaultOf(field)
  if (fallback === null) return (value) => value === undefined || value === null
  switch (field.kind) {
    case 'array':
      return (value) => value === undefined || (value !== null && (value as unknown[]).length === 0)
    case 'uuid':
      return (value) => value === undefined || (value !== null && Buffer.compare(value as Buffer, fallback as Buffer) === 0)
    case 'bytes':
    case 'records':
      return (value) => value === undefined || (value !== null && chunksLength(value as Buffer | Buffer[]) === 0)
    case 'struct': {
      const children = Object.entries(field.fields!).map(([name, child]) => [name, defaultTest(child)] as const)
      return (value) =>
        value === undefined ||
        (value !== null && children.every(([name, test]) => test((value as Record<string, unknown>)[name])))
    }
    default:
      return (value) => value === undefined || value === fallback
  }
}

/**
 * Where a struct's field lives at a version: in the positional layout, in the tag buffer, or
 * nowhere (a version without it, or a tagged field in a non-flexible version).
 */
export function fieldPresence(field: Field, version: number, flexible: boolean): 'positional' | 'tagged' | 'absent' {
  if (!inRange(field.opts.v, version)) return 'absent'
  if (field.opts.tag === undefined || !inRange(field.opts.tagged ?? field.opts.v, version)) return 'positional'
  return flexible ? 'tagged' : 'absent'
}

export function isNullable(field: Field, version: number): boolean {
  return field.opts.nullable !== undefined && inRange(field.opts.nullable, version)
}

function compileField(field: Field, version: number, flexible: boolean, path: string): Codec {
  const nullable = isNullable(field, version)
  const makeDefault = defaultMaker(field, nullable)
  const {read, write} = compileType(field, version, flexible, path, nullable)
  return {
    read: read as Codec['read'],
    write(w, value) {
      if (value === undefined) return write(w, makeDefault())
      if (value === null && !nullable) throw new EncodeError(`${path || 'message'} cannot be null in version ${version}`)
      write(w, value)
    },
  }
}

function nullInNonNullable(path: string, version: number): never {
  throw new DecodeError(`non-nullable field ${path || 'message'} was serialized as null (version ${version})`)
}

function compileType(field: Field, version: number, flexible: boolean, path: string, nullable: boolean): {read: Read; write: Write} {
  switch (field.kind) {
    case 'bool':
      return {read: (r) => r.bool(), write: (w, v) => w.bool(v as boolean)}
    case 'int8':
      return {read: (r) => r.int8(), write: (w, v) => w.int8(v as number)}
    case 'int16':
      return {read: (r) => r.int16(), write: (w, v) => w.int16(v as number)}
    case 'uint16':
      return {read: (r) => r.uint16(), write: (w, v) => w.uint16(v as number)}
    case 'int32':
      return {read: (r) => r.int32(), write: (w, v) => w.int32(v as number)}
    case 'uint32':
      return {read: (r) => r.uint32(), write: (w, v) => w.uint32(v as number)}
    case 'int64':
      return {read: (r) => r.int64(), write: (w, v) => w.int64(v as number)}
    case 'float64':
      return {read: (r) => r.float64(), write: (w, v) => w.float64(v as number)}
    case 'uuid':
      return {read: (r) => r.uuid(), write: (w, v) => w.uuid(v as Buffer)}
    case 'string':
      return {
        read: (r) => {
          const s = flexible ? r.compactNullableString() : r.nullableString()
          if (s === null && !nullable) nullInNonNullable(path, version)
          return s
        },
        write: flexible ? (w, v) => w.compactString(v as string | null) : (w, v) => w.string(v as string | null),
      }
    case 'bytes':
    case 'records': {
      const copy = field.kind === 'bytes'
      return {
        read: (r) => {
          const length = flexible ? r.compactBytesLength() : r.bytesLength()
          if (length < 0) return nullable ? null : nullInNonNullable(path, version)
          const view = r.view(length, path)
          return copy ? Buffer.from(view) : view
        },
        write: (w, v) => {
          if (v === null) return flexible ? w.unsignedVarint(0) : w.int32(-1)
          const chunks = v as Buffer | Buffer[]
          const length = chunksLength(chunks)
          if (flexible) w.unsignedVarint(length + 1)
          else w.int32(length)
          writeChunks(w, chunks)
        },
      }
    }
    case 'array':
      return compileArray(field, version, flexible, path, nullable)
    case 'struct':
      return compileStruct(field, version, flexible, path, nullable)
  }
}

function compileArray(field: Field, version: number, flexible: boolean, path: string, nullable: boolean): {read: Read; write: Write} {
  const element = compileField(field.element!, version, flexible, `${path}[]`)
  return {
    read: (r) => {
      const count = flexible ? r.compactArrayLength() : r.arrayLength()
      if (count < 0) return nullable ? null : nullInNonNullable(path, version)
      const items = new Array(count)
      for (let i = 0; i < count; i++) items[i] = element.read(r)
      return items
    },
    write: (w, v) => {
      if (v === null) return flexible ? w.unsignedVarint(0) : w.int32(-1)
      const items = v as readonly unknown[]
      if (flexible) w.unsignedVarint(items.length + 1)
      else w.int32(items.length)
      for (let i = 0; i < items.length; i++) element.write(w, items[i] as never)
    },
  }
}

interface Member {
  name: string
  codec: Codec
  makeDefault: () => unknown
}

interface TaggedMember extends Member {
  tag: number
  isDefault: (value: unknown) => boolean
}

function compileStruct(field: Field, version: number, flexible: boolean, path: string, nullable: boolean): {read: Read; write: Write} {
  // Every field in declaration order: positional ones are read, the rest start at their default
  // (tagged ones may be overwritten from the tag buffer). One object shape per struct.
  const all: {name: string; read: Read}[] = []
  const positional: Member[] = []
  const tagged: TaggedMember[] = []
  for (const [name, child] of Object.entries(field.fields!)) {
    const childPath = path ? `${path}.${name}` : name
    const presence = fieldPresence(child, version, flexible)
    if (presence === 'absent') {
      // A version without the field reads its declared default, null included (Kafka's classes
      // hold that value whatever the version).
      all.push({name, read: defaultMaker(child, true)})
      continue
    }
    const makeDefault = defaultMaker(child, isNullable(child, version))
    const codec = compileField(child, version, flexible, childPath)
    if (presence === 'tagged') {
      tagged.push({name, codec, makeDefault, tag: child.opts.tag!, isDefault: defaultTest(child)})
      all.push({name, read: makeDefault})
    } else {
      positional.push({name, codec, makeDefault})
      all.push({name, read: codec.read})
    }
  }
  tagged.sort((a, b) => a.tag - b.tag)
  const byTag = new Map(tagged.map((member) => [member.tag, member]))

  const readBody = (r: Reader) => {
    const value: Record<string, unknown> = {}
    for (let i = 0; i < all.length; i++) value[all[i].name] = all[i].read(r)
    if (flexible) readTags(r, value, byTag)
    return value
  }
  const writeBody = (w: Writer, v: unknown) => {
    const value = v as Record<string, unknown>
    for (let i = 0; i < positional.length; i++) positional[i].codec.write(w, value[positional[i].name] as never)
    if (flexible) {
      if (tagged.length === 0) w.emptyTags()
      else writeTags(w, value, tagged)
    }
  }
  if (!nullable) return {read: readBody, write: writeBody}
  // A nullable struct (not in an array) is preceded by an int8 marker: -1 null, 1 present.
  return {
    read: (r) => (r.int8() < 0 ? null : readBody(r)),
    write: (w, v) => {
      if (v === null) return w.int8(-1)
      w.int8(1)
      writeBody(w, v)
    },
  }
}

function readTags(r: Reader, value: Record<string, unknown>, byTag: Map<number, TaggedMember>): void {
  const count = r.unsignedVarint()
  for (let i = 0; i < count; i++) {
    const tag = r.unsignedVarint()
    const size = r.unsignedVarint()
    const member = byTag.get(tag)
    if (!member) {
      r.skip(size)
      continue
    }
    const start = r.offset
    r.skip(size)
    value[member.name] = member.codec.read(new Reader(r.buf, start, start + size))
  }
}

function writeTags(w: Writer, value: Record<string, unknown>, tagged: TaggedMember[]): void {
  let count = 0
  for (const member of tagged) if (!member.isDefault(value[member.name])) count++
  w.unsignedVarint(count)
  if (count === 0) return
  for (const member of tagged) {
    const fieldValue = value[member.name]
    if (member.isDefault(fieldValue)) continue
    const scratch = new Writer(64)
    member.codec.write(scratch, fieldValue as never)
    const bytes = scratch.finish()
    w.unsignedVarint(member.tag)
    w.unsignedVarint(bytes.length)
    w.raw(bytes)
  }
}
