/**
 * Failures the client reports besides Kafka's own error codes (those are KafkaError from the
 * codec). The shape — a Node-style string `code` plus `address`/`port` — is what the CLI's
 * error reporter reads to say "no broker is running" or "connection refused".
 */

export interface AddressParts {
  address: string
  port?: number
}

/** The broker could not be reached, or dropped the connection. */
export class ConnectionError extends Error {
  override name = 'ConnectionError'
  readonly code: string
  readonly address: string
  readonly port?: number

  constructor(message: string, code: string, where: AddressParts, options?: ErrorOptions) {
    super(message, options)
    this.code = code
    this.address = where.address
    this.port = where.port
  }
}

/** A topic is not there and the broker would not create it: the message says how to create it. */
export class UnknownTopicError extends Error {
  override name = 'UnknownTopicError'
  /** Kafka's UNKNOWN_TOPIC_OR_PARTITION, for --json and the exit code mapping. */
  readonly code = 3

  constructor(readonly topic: string) {
    super(`Topic '${topic}' does not exist and the broker did not create it (auto.create.topics.enable=false).`)
  }
}
