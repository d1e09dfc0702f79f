import {describe, expect, it} from 'vitest'
import type {ConsumedRecord} from '../../../src/client/types.js'
import {jsonLinesFormatter, type RecordFormatter, textFormatter} from '../../../src/cli/record-formatter.js'

const record: ConsumedRecord = {
  topic: 'orders',
  partition: 0,
  offset: 3,
  timestamp: 1700000000000,
  timestampType: 'CreateTime',
  leaderEpoch: 0,
  key: Buffer.from('mykey'),
  value: Buffer.from('myvalue'),
  headers: [],
}

function render(formatter: RecordFormatter, ...records: ConsumedRecord[]): string {
  const out: Buffer[] = []
  for (const each of records) formatter.format(each, out)
  return Buffer.concat(out).toString('utf8')
}

function props(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries))
}

describe('textFormatter (Kafka DefaultMessageFormatter)', () => {
  it('prints only the value by default', () => {
    expect(render(textFormatter(), record)).toBe('myvalue\n')
  })

  it("matches Kafka's documented example line", () => {
    const formatter = textFormatter(
      props({'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.key': 'true'}),
    )
    expect(render(formatter, record)).toBe('CreateTime:1700000000000\tPartition:0\tOffset:3\tmykey\tmyvalue\n')
  })

  it('prints NO_HEADERS and the null literal for a null key', () => {
    const formatter = textFormatter(
      props({'print.timestamp': 'true', 'print.partition': 'true', 'print.offset': 'true', 'print.headers': 'true', 'print.key': 'true'}),
    )
    const line = render(formatter, {...record, offset: 4, key: null, value: Buffer.from('v')})
    expect(line).toBe('CreateTime:1700000000000\tPartition:0\tOffset:4\tNO_HEADERS\tnull\tv\n')
  })

  it('prints headers with their separators and a null header value as the null literal', () => {
    const formatter = textFormatter(
      props({'print.headers': 'true', 'headers.separator': '|', 'null.literal': 'NIL', 'print.value': 'false'}),
    )
    const line = render(formatter, {...record, headers: [{key: 'a', value: Buffer.from('1')}, {key: 'b', value: null}]})
    expect(line).toBe('a:1|b:NIL\n')
  })

  it('uses key.separator between all fields and line.separator after the last one', () => {
    const formatter = textFormatter(
      props({'print.key': 'true', 'print.offset': 'true', 'key.separator': ' => ', 'line.separator': ';'}),
    )
    expect(render(formatter, record, {...record, offset: 4})).toBe('Offset:3 => mykey => myvalue;Offset:4 => mykey => myvalue;')
  })

  it('prints LogAppendTime, the leader epoch and Epoch:NOT_PRESENT', () => {
    const formatter = textFormatter(props({'print.timestamp': 'true', 'print.epoch': 'true'}))
    expect(render(formatter, {...record, timestampType: 'LogAppendTime', leaderEpoch: 7})).toBe(
      'LogAppendTime:1700000000000\tEpoch:7\tmyvalue\n',
    )
    expect(render(formatter, {...record, leaderEpoch: -1})).toBe('CreateTime:1700000000000\tEpoch:NOT_PRESENT\tmyvalue\n')
  })

  it('ends the line after the key when print.value=false, and prints nothing when nothing is selected', () => {
    expect(render(textFormatter(props({'print.key': 'true', 'print.value': 'false'})), record)).toBe('mykey\n')
    expect(render(textFormatter(props({'print.value': 'false'})), record)).toBe('')
  })

  it("reads booleans as Kafka does: only 'true', in any case, trimmed", () => {
    expect(render(textFormatter(props({'print.key': ' TRUE '})), record)).toBe('mykey\tmyvalue\n')
    expect(render(textFormatter(props({'print.key': 'yes'})), record)).toBe('myvalue\n')
  })

  it('writes keys and values as raw bytes, not re-encoded text', () => {
    const binary = Buffer.from([0xff, 0x00, 0xfe])
    const out: Buffer[] = []
    textFormatter().format({...record, value: binary}, out)
    expect(Buffer.concat(out)).toEqual(Buffer.concat([binary, Buffer.from('\n')]))
  })

  // Every combination of the print.* switches, in Kafka's fixed field order.
  const FIELDS: Array<[string, string]> = [
    ['print.timestamp', 'CreateTime:1700000000000'],
    ['print.partition', 'Partition:0'],
    ['print.offset', 'Offset:3'],
    ['print.epoch', 'Epoch:0'],
    ['print.headers', 'h:x'],
    ['print.key', 'mykey'],
    ['print.value', 'myvalue'],
  ]
  const combos = Array.from({length: 1 << FIELDS.length}, (_, mask) => mask)
  it.each(combos)('prints the selected fields in order (combination %i)', (mask) => {
    const chosen = FIELDS.filter((_, bit) => mask & (1 << bit))
    const properties = new Map(FIELDS.map(([name], bit) => [name, String(Boolean(mask & (1 << bit)))]))
    const line = render(textFormatter(properties), {...record, headers: [{key: 'h', value: Buffer.from('x')}]})
    expect(line).toBe(chosen.length === 0 ? '' : `${chosen.map(([, text]) => text).join('\t')}\n`)
  })
})

describe('formatter deserializers', () => {
  const long = (value: bigint) => {
    const bytes = Buffer.alloc(8)
    bytes.writeBigInt64BE(value)
    return bytes
  }
  const LONG = 'org.apache.kafka.common.serialization.LongDeserializer'

  it('prints a Kafka Streams count through LongDeserializer, the key as a string', () => {
    const formatter = textFormatter(
      props({'print.key': 'true', 'key.deserializer': 'org.apache.kafka.common.serialization.StringDeserializer', 'value.deserializer': LONG}),
    )
    expect(render(formatter, {...record, key: Buffer.from('kafka'), value: long(3n)})).toBe('kafka\t3\n')
  })

  it("hands a deserializer null.literal's bytes for a null, as Kafka does", () => {
    const formatter = textFormatter(props({'print.key': 'true', 'key.deserializer': LONG}))
    expect(() => render(formatter, {...record, key: null})).toThrow('Size of data received by LongDeserializer is not 8')
    const strings = textFormatter(props({'print.headers': 'true', 'headers.deserializer': 'org.apache.kafka.common.serialization.BytesDeserializer'}))
    expect(render(strings, {...record, headers: [{key: 'h', value: Buffer.from([0])}, {key: 'n', value: null}]})).toBe('h:\\x00,n:null\tmyvalue\n')
  })

  it('warns about a class it does not have and prints raw bytes', () => {
    const warnings: string[] = []
    const formatter = textFormatter(props({'value.deserializer': 'io.confluent.kafka.serializers.KafkaAvroDeserializer'}), (line) => warnings.push(line))
    expect(render(formatter, record)).toBe('myvalue\n')
    expect(warnings).toEqual([expect.stringMatching(/^Unable to instantiate a deserializer from io\.confluent\.kafka\.serializers\.KafkaAvroDeserializer: printing raw bytes\. kbus has Kafka's StringDeserializer, /)])
  })

  it('gives --json the deserialized text and leaves nulls null', () => {
    const formatter = jsonLinesFormatter({value: (bytes) => Buffer.from(String(bytes.readBigInt64BE(0)))})
    expect(JSON.parse(render(formatter, {...record, value: long(7n)})).value).toBe('7')
    expect(JSON.parse(render(formatter, {...record, value: null})).value).toBeNull()
  })
})

describe('jsonLinesFormatter', () => {
  it('writes one JSON object per record with text fields', () => {
    const lines = render(jsonLinesFormatter(), record, {...record, offset: 4, key: null, headers: [{key: 'h', value: Buffer.from('x')}]})
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines).toEqual([
      {topic: 'orders', partition: 0, offset: 3, timestamp: 1700000000000, timestampType: 'CreateTime', key: 'mykey', value: 'myvalue', headers: []},
      {topic: 'orders', partition: 0, offset: 4, timestamp: 1700000000000, timestampType: 'CreateTime', key: null, value: 'myvalue', headers: [{key: 'h', value: 'x'}]},
    ])
  })

  it('writes bytes that are not UTF-8 as base64 and says so', () => {
    const line = JSON.parse(render(jsonLinesFormatter(), {...record, value: Buffer.from([0xff, 0xfe]), headers: [{key: 'h', value: null}]}))
    expect(line.value).toBe('//4=')
    expect(line.valueEncoding).toBe('base64')
    expect(line.key).toBe('mykey')
    expect(line.keyEncoding).toBeUndefined()
    expect(line.headers).toEqual([{key: 'h', value: null}])
  })
})
