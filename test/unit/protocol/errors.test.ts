import {describe, expect, it} from 'vitest'
import {ErrorCode, KafkaError, errorMessage, errorName, isRetriable} from '../../../src/protocol/errors.js'

describe('Kafka error codes', () => {
  it("carry Kafka's names, retriable flags and default messages", () => {
    expect(errorName(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe('UNKNOWN_TOPIC_OR_PARTITION')
    expect(errorMessage(3)).toBe('This server does not host this topic-partition.')
    expect(isRetriable(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)).toBe(true)
    expect(isRetriable(ErrorCode.TOPIC_ALREADY_EXISTS)).toBe(false)
    expect(isRetriable(ErrorCode.NOT_COORDINATOR)).toBe(true)
  })

  it('every named code has an entry in the table', () => {
    for (const [name, code] of Object.entries(ErrorCode)) expect(errorName(code)).toBe(name)
  })

  it('treat unknown codes the way Kafka clients do', () => {
    expect(errorName(4242)).toBe('UNKNOWN_ERROR_CODE_4242')
    expect(errorMessage(4242)).toBe(errorMessage(ErrorCode.UNKNOWN_SERVER_ERROR))
    expect(isRetriable(4242)).toBe(false)
  })

  it('KafkaError defaults its message to the code’s text', () => {
    const error = new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR)
    expect(error.message).toBe('Replication factor is below 1 or larger than the number of available brokers.')
    expect(error).toMatchObject({code: 38, errorName: 'INVALID_REPLICATION_FACTOR', retriable: false})
    expect(new KafkaError(ErrorCode.INVALID_CONFIG, 'bad value').message).toBe('bad value')
  })
})
