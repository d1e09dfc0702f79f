/**
 * How the console consumer prints records. The default mirrors Kafka's DefaultMessageFormatter
 * byte for byte (field order timestamp, partition, offset, epoch, headers, key, value; keys and
 * values written as raw bytes); `--json` writes JSON Lines instead. Formatters append Buffers to
 * a list so a whole fetch is written to stdout at once.
 */
import type {ConsumedRecord} from '../client/types.js'
import {type Deserializer, deserializerNamed, knownDeserializers} from './deserializers.js'
import {booleanProperty} from './key-value-args.js'

export interface RecordFormatter {
  format(record: ConsumedRecord, out: Buffer[]): void
}

interface TextOptions {
  printTimestamp: boolean
  printPartition: boolean
  printOffset: boolean
  printEpoch: boolean
  printHeaders: boolean
  printKey: boolean
  printValue: boolean
  keySeparator: Buffer
  lineSeparator: Buffer
  headersSeparator: Buffer
  nullLiteral: Buffer
  deserializers: FormatterDeserializers
}

export interface FormatterDeserializers {
  key?: Deserializer
  value?: Deserializer
  headers?: Deserializer
}

/**
 * The key.deserializer, value.deserializer and headers.deserializer formatter properties. A class
 * kbus does not have is reported through `warn` and its field printed as raw bytes, as Kafka's
 * formatter does when it cannot load the class.
 */
export function formatterDeserializers(properties: ReadonlyMap<string, string>, warn: (message: string) => void): FormatterDeserializers {
  const named = (property: string) => {
    const className = properties.get(property)
    if (className === undefined) return undefined
    const deserializer = deserializerNamed(className)
    if (!deserializer)
      warn(`Unable to instantiate a deserializer from ${className}: printing raw bytes. kbus has Kafka's ${knownDeserializers().map((name) => name.slice(name.lastIndexOf('.') + 1)).join(', ')}.`)
    return deserializer
  }
  return {key: named('key.deserializer'), value: named('value.deserializer'), headers: named('headers.deserializer')}
}

/**
 * Kafka's formatter property names and defaults (kafka-console-consumer --property). A
 * deserializer whose data does not fit throws a DeserializationError from format(), after the
 * fields before it were written, as Kafka's formatter leaves them.
 */
export function textFormatter(properties: ReadonlyMap<string, string> = new Map(), warn: (message: string) => void = () => {}): RecordFormatter {
  const text = (key: string, fallback: string) => Buffer.from(properties.get(key) ?? fallback, 'utf8')
  return new KafkaTextFormatter({
    printTimestamp: booleanProperty(properties, 'print.timestamp'),
    printPartition: booleanProperty(properties, 'print.partition'),
    printOffset: booleanProperty(properties, 'print.offset'),
    printEpoch: booleanProperty(properties, 'print.epoch'),
    printHeaders: booleanProperty(properties, 'print.headers'),
    printKey: booleanProperty(properties, 'print.key'),
    printValue: booleanProperty(properties, 'print.value', true),
    keySeparator: text('key.separator', '\t'),
    lineSeparator: text('line.separator', '\n'),
    headersSeparator: text('headers.separator', ','),
    nullLiteral: text('null.literal', 'null'),
    deserializers: formatterDeserializers(properties, warn),
  })
}

class KafkaTextFormatter implements RecordFormatter {
  /** The fields in print order; each is followed by key.separator, the last by line.separator. */
  private readonly fields: Array<(record: ConsumedRecord, out: Buffer[]) => void> = []

  constructor(private readonly options: TextOptions) {
    const ascii = (text: string) => Buffer.from(text, 'latin1')
    const {key, value} = options.deserializers
    if (options.printTimestamp) this.fields.push((r, out) => out.push(ascii(`${r.timestampType}:${r.timestamp}`)))
    if (options.printPartition) this.fields.push((r, out) => out.push(ascii(`Partition:${r.partition}`)))
    if (options.printOffset) this.fields.push((r, out) => out.push(ascii(`Offset:${r.offset}`)))
    if (options.printEpoch)
      this.fields.push((r, out) => out.push(ascii(r.leaderEpoch >= 0 ? `Epoch:${r.leaderEpoch}` : 'Epoch:NOT_PRESENT')))
    if (options.printHeaders) this.fields.push((r, out) => this.headers(r, out))
    if (options.printKey) this.fields.push((r, out) => out.push(this.bytes(r.key, key)))
    if (options.printValue) this.fields.push((r, out) => out.push(this.bytes(r.value, value)))
  }

  format(record: ConsumedRecord, out: Buffer[]): void {
    const last = this.fields.length - 1
    for (let index = 0; index <= last; index++) {
      this.fields[index](record, out)
      out.push(index === last ? this.options.lineSeparator : this.options.keySeparator)
    }
  }

  private headers(record: ConsumedRecord, out: Buffer[]): void {
    if (record.headers.length === 0) {
      out.push(NO_HEADERS)
      return
    }
    record.headers.forEach((header, index) => {
      if (index > 0) out.push(this.options.headersSeparator)
      out.push(Buffer.from(`${header.key}:`, 'utf8'), this.bytes(header.value, this.options.deserializers.headers))
    })
  }

  /** As Kafka's formatter: a null is null.literal, and that is what a deserializer is given too. */
  private bytes(bytes: Buffer | null, deserializer: Deserializer | undefined): Buffer {
    const present = bytes ?? this.options.nullLiteral
    return deserializer ? deserializer(present) : present
  }
}

const NO_HEADERS = Buffer.from('NO_HEADERS', 'latin1')
const NEWLINE = Buffer.from('\n', 'latin1')

/**
 * One JSON object per line. Keys, values and header values are strings when they are valid
 * UTF-8; otherwise they are base64 and a sibling `…Encoding: "base64"` says so, so nothing is lost.
 * A deserializer turns its field into the text it prints; a null stays null.
 */
export function jsonLinesFormatter(deserializers: FormatterDeserializers = {}): RecordFormatter {
  const field = (bytes: Buffer | null, deserializer: Deserializer | undefined) => (bytes && deserializer ? deserializer(bytes) : bytes)
  return {
    format(record, out) {
      const line: Record<string, unknown> = {
        topic: record.topic,
        partition: record.partition,
        offset: record.offset,
        timestamp: record.timestamp,
        timestampType: record.timestampType,
      }
      bytesField(line, 'key', field(record.key, deserializers.key))
      bytesField(line, 'value', field(record.value, deserializers.value))
      line.headers = record.headers.map((header) => {
        const entry: Record<string, unknown> = {key: header.key}
        bytesField(entry, 'value', field(header.value, deserializers.headers))
        return entry
      })
      out.push(Buffer.from(JSON.stringify(line), 'utf8'), NEWLINE)
    },
  }
}

const utf8 = new TextDecoder('utf-8', {fatal: true})

function bytesField(target: Record<string, unknown>, name: string, bytes: Buffer | null): void {
  if (bytes === null) {
    target[name] = null
    return
  }
  try {
    target[name] = utf8.decode(bytes)
  } catch {
    target[name] = bytes.toString('base64')
    target[`${name}Encoding`] = 'base64'
  }
}
