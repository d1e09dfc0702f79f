/**
 * The console producer's settings, merged as Kafka's ConsoleProducer does: --producer.config
 * file, then --producer-property, then the tool's shortcut flags (--timeout, --batch-size, …),
 * which win when given and otherwise only fill in what is unset — so linger.ms falls back to
 * the tool's 1000 ms, not the library's default. Idempotence follows Kafka's ProducerConfig: on
 * by default, quietly off when acks or retries rule it out, an error when asked for against them.
 */
import {MAX_IN_FLIGHT_FOR_IDEMPOTENCE, type ProducerOptions} from '../client/producer.js'
import {compressionByName} from '../protocol/compression.js'
import {KafkaError} from '../protocol/errors.js'
import type {Compression} from '../protocol/record-batch.js'
import {UsageError} from './errors.js'
import {integerProperty} from './numeric-property.js'

/** Kafka producer config name → the tool's shortcut default. */
export const CONSOLE_PRODUCER_DEFAULTS: ReadonlyMap<string, string> = new Map([
  ['acks', '-1'],
  ['linger.ms', '1000'],
  ['batch.size', '16384'],
  ['retries', '3'],
  ['retry.backoff.ms', '100'],
  ['request.timeout.ms', '1500'],
  ['buffer.memory', '33554432'],
  ['compression.type', 'none'],
  ['client.id', 'console-producer'],
])

/**
 * `explicit` holds the shortcut flags the user typed (config name → value); `properties` the
 * file and --producer-property values, already merged in that order.
 */
export function mergeProducerProperties(
  properties: ReadonlyMap<string, string>,
  explicit: ReadonlyMap<string, string>,
): Map<string, string> {
  const merged = new Map(properties)
  for (const [name, fallback] of CONSOLE_PRODUCER_DEFAULTS) if (!merged.has(name)) merged.set(name, fallback)
  for (const [name, value] of explicit) merged.set(name, value)
  return merged
}

/**
 * The console producer sends outside any transaction, as Kafka's does (its KafkaProducer refuses
 * to send before initTransactions): a transactional.id is refused in one line instead.
 */
export function refuseTransactionalId(properties: ReadonlyMap<string, string>): void {
  if (properties.has('transactional.id'))
    throw new UsageError(
      'transactional.id is not supported: this producer does not run transactions (remove it; the idempotent producer, on by default, needs none).',
    )
}

export function producerOptions(properties: ReadonlyMap<string, string>): ProducerOptions {
  const acks = acksOf(properties.get('acks') ?? '-1')
  const retries = integerProperty(properties, 'retries', {min: 0})
  const maxInFlight = integerProperty(properties, 'max.in.flight.requests.per.connection', {min: 1})
  const transactionalId = properties.get('transactional.id')
  return {
    ...(transactionalId === undefined ? {} : {transactionalId, transactionTimeoutMs: integerProperty(properties, 'transaction.timeout.ms', {min: 1})}),
    acks,
    lingerMs: integerProperty(properties, 'linger.ms', {min: 0}),
    batchSize: integerProperty(properties, 'batch.size', {min: 0}),
    maxRequestSize: integerProperty(properties, 'max.request.size', {min: 0}),
    retries,
    retryBackoffMs: integerProperty(properties, 'retry.backoff.ms', {min: 0}),
    requestTimeoutMs: integerProperty(properties, 'request.timeout.ms', {min: 0}),
    deliveryTimeoutMs: integerProperty(properties, 'delivery.timeout.ms', {min: 0}),
    maxInFlight,
    bufferMemory: integerProperty(properties, 'buffer.memory', {min: 0}),
    compression: compressionOf(properties.get('compression.type') ?? 'none'),
    idempotent: transactionalId === undefined
      ? idempotenceOf(properties.get('enable.idempotence'), {acks, retries, maxInFlight})
      : transactionalIdempotence(properties.get('enable.idempotence'), {acks, retries, maxInFlight}),
  }
}

/** Kafka's rule: a transactional.id needs idempotence, so it counts as asked for (acks=all, retries above 0). */
function transactionalIdempotence(setting: string | undefined, config: Parameters<typeof idempotenceOf>[1]): boolean {
  if (setting !== undefined && setting.trim().toLowerCase() === 'false')
    throw new UsageError('Cannot set a transactional.id without also enabling idempotence.')
  return idempotenceOf(setting ?? 'true', config)
}

/**
 * Kafka's rules (ProducerConfig): idempotence is the default, dropped without a word when
 * retries=0 or acks is not all, unless enable.idempotence was set, which makes those an error;
 * more than five requests in flight is an error either way. `retries` and `maxInFlight` are
 * undefined when unset (Kafka's defaults are above 0 and at most 5).
 */
export function idempotenceOf(
  setting: string | undefined,
  config: {acks: -1 | 0 | 1; retries: number | undefined; maxInFlight: number | undefined},
): boolean {
  if (setting !== undefined && !/^\s*(true|false)\s*$/i.test(setting))
    throw new UsageError(`Invalid value ${setting} for configuration enable.idempotence: Expected value to be either true or false`)
  if (setting !== undefined && setting.trim().toLowerCase() === 'false') return false
  const asked = setting !== undefined
  let enabled = true
  if (config.retries === 0) {
    if (asked) throw new UsageError('Must set retries to non-zero when using the idempotent producer.')
    enabled = false
  }
  if (config.acks !== -1) {
    if (asked) throw new UsageError('Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.')
    enabled = false
  }
  if (config.maxInFlight !== undefined && config.maxInFlight > MAX_IN_FLIGHT_FOR_IDEMPOTENCE)
    throw new UsageError(
      `To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most ${MAX_IN_FLIGHT_FOR_IDEMPOTENCE}. Current value is ${config.maxInFlight}.`,
      'Or set enable.idempotence=false.',
    )
  return enabled
}

function acksOf(text: string): -1 | 0 | 1 {
  const value = text.trim().toLowerCase()
  if (value === 'all' || value === '-1') return -1
  if (value === '0') return 0
  if (value === '1') return 1
  throw new UsageError(`Invalid value ${text} for configuration acks: String must be one of: all, -1, 0, 1`)
}

function compressionOf(name: string): Compression {
  try {
    return compressionByName(name.trim())
  } catch (error) {
    if (error instanceof KafkaError)
      throw new UsageError(`Invalid value ${name} for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd`)
    throw error
  }
}
