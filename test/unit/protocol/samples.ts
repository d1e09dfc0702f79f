/**
 * Builds values for any schema at a version: a deterministic sample with a non-default value in
 * every field the version has (absent fields hold their defaults, which is what decoding gives
 * back), and a fast-check arbitrary of the same shape.
 */
import fc from 'fast-check'
import {defaultOf, fieldPresence, isNullable} from '../../../src/protocol/codec.js'
import type {Field} from '../../../src/protocol/schema.js'

export type NullChoice = 'values' | 'nulls'

export function fillSample(field: Field, version: number, flexible: boolean, nulls: NullChoice = 'values', seed = {n: 1}): unknown {
  if (nulls === 'nulls' && isNullable(field, version)) return null
  const n = seed.n++
  switch (field.kind) {
    case 'bool':
      return field.opts.default !== true
    case 'int8':
      return (n % 100) + 1
    case 'int16':
    case 'uint16':
      return (n % 30000) + 1
    case 'int32':
    case 'uint32':
      return n * 1000 + 7
    case 'int64':
      return 2 ** 40 + n
    case 'float64':
      return n + 0.5
    case 'uuid':
      return Buffer.alloc(16, n)
    case 'string':
      return `s${n}-é`
    case 'bytes':
    case 'records':
      return Buffer.from([n & 0xff, 1, 2, 3])
    case 'array':
      return [0, 1].map(() => fillSample(field.element!, version, flexible, nulls === 'nulls' ? 'values' : nulls, seed))
    case 'struct': {
      const value: Record<string, unknown> = {}
      for (const [name, child] of Object.entries(field.fields!)) {
        value[name] =
          fieldPresence(child, version, flexible) === 'absent'
            ? defaultOf(child)
            : fillSample(child, version, flexible, nulls, seed)
      }
      return value
    }
  }
}

export function arbitraryFor(field: Field, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  const base = baseArbitrary(field, version, flexible)
  return isNullable(field, version) ? fc.option(base, {nil: null, freq: 4}) : base
}

function baseArbitrary(field: Field, version: number, flexible: boolean): fc.Arbitrary<unknown> {
  const buffer = (maxLength: number) => fc.uint8Array({maxLength}).map((bytes) => Buffer.from(bytes))
  switch (field.kind) {
    case 'bool':
      return fc.boolean()
    case 'int8':
      return fc.integer({min: -128, max: 127})
    case 'int16':
      return fc.integer({min: -32768, max: 32767})
    case 'uint16':
      return fc.integer({min: 0, max: 65535})
    case 'int32':
      return fc.integer({min: -(2 ** 31), max: 2 ** 31 - 1})
    case 'uint32':
      return fc.integer({min: 0, max: 2 ** 32 - 1})
    case 'int64':
      return fc.maxSafeInteger()
    case 'float64':
      return fc.double({noNaN: true})
    case 'uuid':
      return fc.uint8Array({minLength: 16, maxLength: 16}).map((bytes) => Buffer.from(bytes))
    case 'string':
      return fc.string({unit: 'grapheme', maxLength: 12})
    case 'bytes':
    case 'records':
      return buffer(24)
    case 'array':
      return fc.array(arbitraryFor(field.element!, version, flexible), {maxLength: 3})
    case 'struct': {
      const shape: Record<string, fc.Arbitrary<unknown>> = {}
      for (const [name, child] of Object.entries(field.fields!)) {
        shape[name] =
          fieldPresence(child, version, flexible) === 'absent'
            ? fc.constant(null).map(() => defaultOf(child))
            : arbitraryFor(child, version, flexible)
      }
      return fc.record(shape)
    }
  }
}
