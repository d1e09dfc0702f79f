import {describe, expect, it} from 'vitest'
import {parseProperties} from '../../../src/config/properties.js'

describe('parseProperties (Java .properties as Kafka reads server.properties)', () => {
  it('reads key=value, key: value and key value, trimming around them', () => {
    const props = parseProperties('a=1\n  b : 2  \nc 3\nd=\n')
    expect(Object.fromEntries(props)).toEqual({a: '1', b: '2', c: '3', d: ''})
  })

  it('skips # and ! comments and blank lines', () => {
    const props = parseProperties('# comment\n! also a comment\n\n   \nkey=value # not a comment\n')
    expect(Object.fromEntries(props)).toEqual({key: 'value # not a comment'})
  })

  it('joins continuation lines and drops the leading whitespace of the next line', () => {
    const props = parseProperties('listeners=PLAINTEXT://a:1,\\\n    PLAINTEXT2://b:2\nnext=x')
    expect(props.get('listeners')).toBe('PLAINTEXT://a:1,PLAINTEXT2://b:2')
    expect(props.get('next')).toBe('x')
  })

  it('keeps an escaped backslash at the end of a line as a literal backslash', () => {
    expect(parseProperties('path=C:\\\\\nnext=1').get('path')).toBe('C:\\')
  })

  it('decodes escapes, including an escaped separator inside a key', () => {
    const props = parseProperties('a\\=b=c\\td\nu=\\u0041\r\nwin=crlf\r\n')
    expect(props.get('a=b')).toBe('c\td')
    expect(props.get('u')).toBe('A')
    expect(props.get('win')).toBe('crlf')
  })

  it('lets a later duplicate win, as Java does', () => {
    expect(parseProperties('x=1\nx=2').get('x')).toBe('2')
  })
})
