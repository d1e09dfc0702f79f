import {describe, expect, it} from 'vitest'
import {LineFormatError, LineMessageReader, LineSplitter} from '../../../src/cli/line-reader.js'

function split(chunks: string[]): string[] {
  const splitter = new LineSplitter()
  const lines: string[] = []
  const onLine = (line: Buffer) => lines.push(line.toString('utf8'))
  for (const chunk of chunks) splitter.push(Buffer.from(chunk), onLine)
  splitter.end(onLine)
  return lines
}

function reader(properties: Record<string, string> = {}): LineMessageReader {
  return new LineMessageReader(new Map(Object.entries(properties)))
}

function parse(properties: Record<string, string>, line: string, lineNumber = 1) {
  const parsed = reader(properties).parse(Buffer.from(line), lineNumber)
  return {
    key: parsed.key?.toString('utf8') ?? null,
    value: parsed.value?.toString('utf8') ?? null,
    headers: parsed.headers?.map((h) => [h.key, h.value?.toString('utf8') ?? null]),
  }
}

describe('LineSplitter', () => {
  it('splits on newlines, drops a CR before LF, keeps empty lines', () => {
    expect(split(['a\nb\r\n\nc\n'])).toEqual(['a', 'b', '', 'c'])
  })

  it('joins a line split across chunks, even over several chunks', () => {
    expect(split(['he', 'll', 'o\nwor', 'ld\n'])).toEqual(['hello', 'world'])
  })

  it('keeps a last line without a newline and ignores an empty tail', () => {
    expect(split(['a\nlast'])).toEqual(['a', 'last'])
    expect(split(['a\n'])).toEqual(['a'])
    expect(split([])).toEqual([])
  })

  it('handles a CR that ends one chunk and the LF that starts the next', () => {
    expect(split(['x\r', '\ny\n'])).toEqual(['x', 'y'])
  })
})

describe('LineMessageReader (Kafka LineMessageReader)', () => {
  it('makes the whole line the value with a null key by default; an empty line is an empty value', () => {
    expect(parse({}, 'hello\tworld')).toEqual({key: null, value: 'hello\tworld', headers: undefined})
    expect(parse({}, '')).toEqual({key: null, value: '', headers: undefined})
  })

  it('cuts the key at the first key.separator and keeps later ones in the value', () => {
    expect(parse({'parse.key': 'true', 'key.separator': ':'}, 'k1:v1:more')).toEqual({key: 'k1', value: 'v1:more', headers: undefined})
    expect(parse({'parse.key': 'true'}, 'k\tv')).toMatchObject({key: 'k', value: 'v'})
    expect(parse({'parse.key': 'true', 'key.separator': '::'}, 'a::b')).toMatchObject({key: 'a', value: 'b'})
  })

  it("names the line when the key separator is missing, as Kafka does", () => {
    expect(() => parse({'parse.key': 'true', 'key.separator': ':'}, 'abc', 3)).toThrow(
      new LineFormatError("No key separator found on line number 3: 'abc'"),
    )
  })

  it('with ignore.error, treats a missing separator as no key', () => {
    expect(parse({'parse.key': 'true', 'key.separator': ':', 'ignore.error': 'true'}, 'abc')).toEqual({key: null, value: 'abc', headers: undefined})
  })

  it('parses headers, then key, then value', () => {
    expect(parse({'parse.headers': 'true', 'parse.key': 'true'}, 'h1:v1,h2:v2\tmykey\tmyvalue')).toEqual({
      key: 'mykey',
      value: 'myvalue',
      headers: [['h1', 'v1'], ['h2', 'v2']],
    })
  })

  it('honours custom header separators, with headers.separator as a regular expression', () => {
    const properties = {'parse.headers': 'true', 'headers.delimiter': '|', 'headers.separator': '[;&]', 'headers.key.separator': '='}
    expect(parse(properties, 'a=1;b=2&c=3|value')).toEqual({
      key: null,
      value: 'value',
      headers: [['a', '1'], ['b', '2'], ['c', '3']],
    })
  })

  it('reports a header pair without a key separator, or keeps it with a null value under ignore.error', () => {
    expect(() => parse({'parse.headers': 'true'}, 'bad\tv', 2)).toThrow("No header key separator found in pair 'bad' on line number 2")
    expect(parse({'parse.headers': 'true', 'ignore.error': 'true'}, 'bad\tv').headers).toEqual([['bad', null]])
    expect(() => parse({'parse.headers': 'true'}, 'nodelimiter', 5)).toThrow("No headers delimiter found on line number 5: 'nodelimiter'")
  })

  it('turns fields equal to null.marker into nulls, and refuses a null header key', () => {
    const properties = {'parse.key': 'true', 'parse.headers': 'true', 'null.marker': 'NULL'}
    expect(parse(properties, 'h:NULL\tNULL\tNULL')).toEqual({key: null, value: null, headers: [['h', null]]})
    expect(parse(properties, 'NULL\tk\tv')).toEqual({key: 'k', value: 'v', headers: undefined})
    expect(() => parse(properties, 'NULL:x\tk\tv')).toThrow("Header keys should not be equal to the null marker 'NULL' as they can't be null")
  })

  it('refuses separators that Kafka refuses', () => {
    expect(() => reader({'parse.headers': 'true', 'headers.delimiter': ',', 'headers.separator': ','})).toThrow(
      'headers.delimiter and headers.separator may not be equal',
    )
    expect(() => reader({'null.marker': '\t'})).toThrow('null.marker and key.separator may not be equal')
  })

  it('keeps keys and values as the exact input bytes', () => {
    const line = Buffer.concat([Buffer.from('k:'), Buffer.from([0xc3, 0xa9, 0xff])])
    const parsed = reader({'parse.key': 'true', 'key.separator': ':'}).parse(line, 1)
    expect(parsed.value).toEqual(Buffer.from([0xc3, 0xa9, 0xff]))
  })
})
