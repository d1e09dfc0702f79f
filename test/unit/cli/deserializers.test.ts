import {describe, expect, it} from 'vitest'
import {DeserializationError, deserializerNamed, javaDouble, javaFloat} from '../../../src/cli/deserializers.js'

const KAFKA = 'org.apache.kafka.common.serialization.'

function print(className: string, bytes: Buffer): string {
  const deserializer = deserializerNamed(className)
  if (!deserializer) throw new Error(`no ${className}`)
  return deserializer(bytes).toString('utf8')
}

function int64(value: bigint): Buffer {
  const bytes = Buffer.alloc(8)
  bytes.writeBigInt64BE(value)
  return bytes
}

describe("Kafka's deserializers as the console consumer prints them", () => {
  it('prints the numbers Kafka Streams and Java producers write, big-endian and signed', () => {
    expect(print(`${KAFKA}LongDeserializer`, int64(3n))).toBe('3')
    expect(print(`${KAFKA}LongDeserializer`, int64(-9223372036854775808n))).toBe('-9223372036854775808')
    expect(print(`${KAFKA}IntegerDeserializer`, Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toBe('-2')
    expect(print(`${KAFKA}ShortDeserializer`, Buffer.from([0x01, 0x00]))).toBe('256')
    expect(print('LongDeserializer', int64(42n))).toBe('42')
  })

  it("refuses data of the wrong size with Kafka's SerializationException text", () => {
    const long = deserializerNamed(`${KAFKA}LongDeserializer`)!
    expect(() => long(Buffer.from('null'))).toThrow(new DeserializationError('Size of data received by LongDeserializer is not 8'))
    expect(() => deserializerNamed(`${KAFKA}IntegerDeserializer`)!(Buffer.alloc(3))).toThrow('Size of data received by IntegerDeserializer is not 4')
    expect(() => deserializerNamed(`${KAFKA}DoubleDeserializer`)!(Buffer.alloc(4))).toThrow('Size of data received by Deserializer is not 8')
    expect(() => deserializerNamed(`${KAFKA}BooleanDeserializer`)!(Buffer.from([0xff]))).toThrow('Unexpected byte received by BooleanDeserializer: -1')
    expect(() => deserializerNamed(`${KAFKA}UUIDDeserializer`)!(Buffer.from('not-a-uuid'))).toThrow('Error parsing data into UUID')
    expect(() => deserializerNamed(`${KAFKA}VoidDeserializer`)!(Buffer.from('null'))).toThrow('Data should be null for a VoidDeserializer.')
  })

  it('prints strings, booleans, UUIDs and Bytes as Java does', () => {
    expect(print(`${KAFKA}StringDeserializer`, Buffer.from('héllo'))).toBe('héllo')
    expect(print(`${KAFKA}BooleanDeserializer`, Buffer.from([1]))).toBe('true')
    expect(print(`${KAFKA}UUIDDeserializer`, Buffer.from('123E4567-E89B-12D3-A456-426614174000'))).toBe('123e4567-e89b-12d3-a456-426614174000')
    expect(print(`${KAFKA}UUIDDeserializer`, Buffer.from('1-2-3-4-5'))).toBe('00000001-0002-0003-0004-000000000005')
    expect(print(`${KAFKA}BytesDeserializer`, Buffer.from([0x41, 0x00, 0x5c, 0x7f, 0x7e]))).toBe('A\\x00\\x5C\\x7F~')
    expect(print(`${KAFKA}ByteArrayDeserializer`, Buffer.from([0xc3, 0x28]))).toBe(Buffer.from([0xc3, 0x28]).toString('utf8'))
  })

  it('knows no other class', () => {
    expect(deserializerNamed('io.confluent.kafka.serializers.KafkaAvroDeserializer')).toBeUndefined()
    expect(deserializerNamed('toString')).toBeUndefined()
  })
})

describe("Java's Double.toString and Float.toString", () => {
  it('uses plain notation with a fractional digit between 10^-3 and 10^7', () => {
    expect(javaDouble(1)).toBe('1.0')
    expect(javaDouble(100)).toBe('100.0')
    expect(javaDouble(-0.5)).toBe('-0.5')
    expect(javaDouble(0.001)).toBe('0.001')
    expect(javaDouble(1234567.25)).toBe('1234567.25')
    expect(javaDouble(0)).toBe('0.0')
    expect(javaDouble(-0)).toBe('-0.0')
  })

  it('uses d.dddE±n outside it, and names the special values', () => {
    expect(javaDouble(1e7)).toBe('1.0E7')
    expect(javaDouble(12345678.9)).toBe('1.23456789E7')
    expect(javaDouble(0.0001)).toBe('1.0E-4')
    expect(javaDouble(-1.5e-10)).toBe('-1.5E-10')
    expect(javaDouble(Number.MAX_VALUE)).toBe('1.7976931348623157E308')
    expect(javaDouble(Number.NaN)).toBe('NaN')
    expect(javaDouble(Number.NEGATIVE_INFINITY)).toBe('-Infinity')
  })

  it('prints a float with the fewest digits that read back as the same float', () => {
    expect(javaFloat(Math.fround(0.1))).toBe('0.1')
    expect(javaFloat(Math.fround(3.4028235e38))).toBe('3.4028235E38')
    expect(javaFloat(Math.fround(1.1))).toBe('1.1')
    expect(javaFloat(Math.fround(16777216))).toBe('1.6777216E7')
  })
})
