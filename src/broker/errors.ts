import {ErrorCode, KafkaError} from '../protocol/errors.js'

/** The connection must be closed instead of answered: Kafka's reaction to a framing or header error. */
export class CloseConnection extends Error {
  readonly closeConnection = true
}

export function invalidConfig(message: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_CONFIG, message)
}

export function invalidRequest(message: string): KafkaError {
  return new KafkaError(ErrorCode.INVALID_REQUEST, message)
}
