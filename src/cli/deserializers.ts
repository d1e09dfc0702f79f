/**
 * The deserializers Kafka's console consumer takes as formatter properties (`key.deserializer`,
 * `value.deserializer`, `headers.deserializer`) or as --key-deserializer/--value-deserializer:
 * Kafka's own org.apache.kafka.common.serialization classes, each turning stored bytes into the
 * text Java's toString() would print. Kafka Streams' quickstart reads its word counts this way
 * (LongDeserializer). Errors carry the words of Kafka's SerializationException.
 */

/** Turns the bytes of a key, value or header into the text to print. */
export type Deserializer = (bytes: Buffer) => Buffer

/** The data does not fit the deserializer: a record the console consumer cannot print. */
export class DeserializationError extends Error {
  override name = 'SerializationException'
}

const PACKAGE = 'org.apache.kafka.common.serialization.'

const text = (value: string) => Buffer.from(value, 'utf8')

function fixedSize(messageName: string, size: number, read: (bytes: Buffer) => string): Deserializer {
  return (bytes) => {
    if (bytes.length !== size) throw new DeserializationError(`Size of data received by ${messageName} is not ${size}`)
    return text(read(bytes))
  }
}

/**
 * ByteArray and ByteBuffer are printed as the bytes themselves: Java would print the object's
 * identity (`[B@1b6d3586`), which tells a reader nothing.
 */
const RAW: Deserializer = (bytes) => bytes

const DESERIALIZERS: Record<string, Deserializer> = {
  StringDeserializer: (bytes) => text(bytes.toString('utf8')),
  ByteArrayDeserializer: RAW,
  ByteBufferDeserializer: RAW,
  BytesDeserializer: (bytes) => text(escapedBytes(bytes)),
  LongDeserializer: fixedSize('LongDeserializer', 8, (bytes) => bytes.readBigInt64BE(0).toString()),
  IntegerDeserializer: fixedSize('IntegerDeserializer', 4, (bytes) => String(bytes.readInt32BE(0))),
  ShortDeserializer: fixedSize('ShortDeserializer', 2, (bytes) => String(bytes.readInt16BE(0))),
  // Kafka's Double and Float deserializers name no class in this message.
  DoubleDeserializer: fixedSize('Deserializer', 8, (bytes) => javaDouble(bytes.readDoubleBE(0))),
  FloatDeserializer: fixedSize('Deserializer', 4, (bytes) => javaFloat(bytes.readFloatBE(0))),
  BooleanDeserializer: fixedSize('BooleanDeserializer', 1, (bytes) => {
    if (bytes[0] > 1) throw new DeserializationError(`Unexpected byte received by BooleanDeserializer: ${(bytes[0] << 24) >> 24}`)
    return bytes[0] === 1 ? 'true' : 'false'
  }),
  UUIDDeserializer: (bytes) => text(uuidText(bytes.toString('utf8'))),
  // The console consumer hands a null as null.literal's bytes, so this one never succeeds, as in Kafka.
  VoidDeserializer: () => {
    throw new DeserializationError('Data should be null for a VoidDeserializer.')
  },
}

/** Kafka's deserializer of that class name (the simple name is accepted too); undefined for any other. */
export function deserializerNamed(className: string): Deserializer | undefined {
  const name = className.trim()
  const simple = name.startsWith(PACKAGE) ? name.slice(PACKAGE.length) : name
  return Object.hasOwn(DESERIALIZERS, simple) ? DESERIALIZERS[simple] : undefined
}

/** The class names deserializerNamed knows, for a hint. */
export function knownDeserializers(): string[] {
  return Object.keys(DESERIALIZERS).map((name) => PACKAGE + name)
}

/** Kafka's Bytes.toString: printable ASCII as is, every other byte (and the backslash) as \xHH. */
function escapedBytes(bytes: Buffer): string {
  let result = ''
  for (const byte of bytes)
    result += byte >= 0x20 && byte <= 0x7e && byte !== 0x5c ? String.fromCharCode(byte) : `\\x${byte.toString(16).toUpperCase().padStart(2, '0')}`
  return result
}

/** java.util.UUID.fromString then toString: five dash-separated hex fields, printed lower case and padded. */
function uuidText(input: string): string {
  const fields = input.split('-')
  const widths = [8, 4, 4, 4, 12]
  if (input.length > 36 || fields.length !== 5 || fields.some((field) => !/^[0-9a-fA-F]+$/.test(field)))
    throw new DeserializationError('Error parsing data into UUID')
  return fields.map((field, index) => field.toLowerCase().slice(-widths[index]).padStart(widths[index], '0')).join('-')
}

/** Java's Double.toString. */
export function javaDouble(value: number): string {
  return javaDecimal(value, (magnitude) => magnitude.toExponential())
}

/** Java's Float.toString of a float32 value: the fewest digits that read back as the same float. */
export function javaFloat(value: number): string {
  return javaDecimal(value, (magnitude) => {
    for (let digits = 1; digits < 9; digits++) {
      const candidate = magnitude.toExponential(digits - 1)
      if (Math.fround(Number(candidate)) === magnitude) return candidate
    }
    return magnitude.toExponential(8)
  })
}

/**
 * Java's layout of the shortest digits: plain notation with at least one fractional digit for
 * magnitudes in [10^-3, 10^7), otherwise d.dddE±n.
 */
function javaDecimal(value: number, exponential: (magnitude: number) => string): string {
  if (Number.isNaN(value)) return 'NaN'
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity'
  const sign = value < 0 || Object.is(value, -0) ? '-' : ''
  const magnitude = Math.abs(value)
  if (magnitude === 0) return `${sign}0.0`
  const [mantissa, exponentText] = exponential(magnitude).split('e')
  const digits = mantissa.replace('.', '').replace(/0+$/, '') || '0'
  const exponent = Number(exponentText)
  if (exponent < -3 || exponent >= 7) return `${sign}${digits[0]}.${digits.slice(1) || '0'}E${exponent}`
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  return `${sign}${whole}.${digits.slice(exponent + 1) || '0'}`
}
