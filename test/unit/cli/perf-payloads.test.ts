import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {
  monotonicPayloads,
  payloadDelimiter,
  pickedPayloads,
  randomPayloads,
  readPayloadFile,
  splitPayloads,
} from '../../../src/cli/perf-payloads.js'

describe('randomPayloads', () => {
  it('gives payloads of exactly --record-size bytes of A-Z', () => {
    const payload = randomPayloads(100, 10)
    for (let index = 0; index < 10; index++) {
      const value = payload(index)
      expect(value.length).toBe(100)
      expect(/^[A-Z]+$/.test(value.toString('latin1'))).toBe(true)
    }
  })

  it('varies from record to record and is the same on every run', () => {
    const first = randomPayloads(50, 1_000)
    const second = randomPayloads(50, 1_000)
    const values = new Set(Array.from({length: 100}, (_, index) => first(index).toString()))
    expect(values.size).toBe(100)
    expect(second(7).equals(first(7))).toBe(true)
  })

  it('keeps the pool small for large records', () => {
    const payload = randomPayloads(8 * 1024 * 1024, 1_000)
    expect(payload(0)).toBe(payload(1))
  })
})

describe('payload files', () => {
  it('splits at the delimiter, keeping empty pieces but not one after a trailing delimiter', () => {
    expect(splitPayloads('a\nbb\n\nccc\n', '\n').map(String)).toEqual(['a', 'bb', '', 'ccc'])
    expect(splitPayloads('x||y', '||').map(String)).toEqual(['x', 'y'])
  })

  it("reads the default delimiter, shown as \\n in Kafka's help, as a newline", () => {
    expect(payloadDelimiter(undefined)).toBe('\n')
    expect(payloadDelimiter('\\n')).toBe('\n')
    expect(payloadDelimiter(',')).toBe(',')
  })

  it('refuses a missing or empty file, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbus-payloads-'))
    writeFileSync(join(dir, 'empty.txt'), '')
    await expect(readPayloadFile(join(dir, 'missing.txt'), '\n')).rejects.toThrow(/File does not exist or empty file provided: .*missing\.txt/)
    await expect(readPayloadFile(join(dir, 'empty.txt'), '\n')).rejects.toThrow(/empty\.txt/)
    writeFileSync(join(dir, 'two.txt'), 'one\ntwo\n')
    expect((await readPayloadFile(join(dir, 'two.txt'), '\n')).map(String)).toEqual(['one', 'two'])
  })

  it('picks among the pieces', () => {
    const pieces = [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]
    const pick = pickedPayloads(pieces)
    const seen = new Set(Array.from({length: 100}, (_, index) => pick(index).toString()))
    expect(seen).toEqual(new Set(['a', 'b', 'c']))
  })
})

describe('monotonicPayloads', () => {
  it("is the record's number as text", () => {
    expect(monotonicPayloads(0).toString()).toBe('0')
    expect(monotonicPayloads(12345).toString()).toBe('12345')
  })
})
