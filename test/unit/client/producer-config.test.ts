/** The console producer's settings: Kafka's idempotence rules, and transactional.id refused. */
import {describe, expect, it} from 'vitest'
import {UsageError} from '../../../src/cli/errors.js'
import {mergeProducerProperties, producerOptions, refuseTransactionalId} from '../../../src/cli/producer-config.js'

/** The console producer's settings for these --producer-property values and shortcut flags. */
function options(properties: Record<string, string>, shortcuts: Record<string, string> = {}) {
  return producerOptions(mergeProducerProperties(new Map(Object.entries(properties)), new Map(Object.entries(shortcuts))))
}

describe('console producer idempotence', () => {
  it('is on by default, as in Kafka 4 (acks=all and retries=3 allow it)', () => {
    expect(options({}).idempotent).toBe(true)
    expect(options({}).acks).toBe(-1)
  })

  it('turns itself off quietly when acks or retries rule it out and it was not asked for', () => {
    expect(options({}, {acks: '1'}).idempotent).toBe(false)
    expect(options({acks: '0'}).idempotent).toBe(false)
    expect(options({retries: '0'}).idempotent).toBe(false)
  })

  it("is refused with Kafka's words when asked for against acks or retries", () => {
    expect(() => options({'enable.idempotence': 'true'}, {acks: '1'})).toThrow(
      'Must set acks to all in order to use the idempotent producer. Otherwise we cannot guarantee idempotence.',
    )
    expect(() => options({'enable.idempotence': 'true', retries: '0'})).toThrow('Must set retries to non-zero when using the idempotent producer.')
  })

  it('refuses more than five requests in flight unless idempotence is off', () => {
    expect(() => options({'max.in.flight.requests.per.connection': '6'})).toThrow(
      'To use the idempotent producer, max.in.flight.requests.per.connection must be set to at most 5. Current value is 6.',
    )
    expect(options({'max.in.flight.requests.per.connection': '6', 'enable.idempotence': 'false'}).idempotent).toBe(false)
    expect(options({'max.in.flight.requests.per.connection': '5'}).idempotent).toBe(true)
  })

  it('reads enable.idempotence as a Kafka boolean', () => {
    expect(options({'enable.idempotence': ' FALSE '}).idempotent).toBe(false)
    expect(options({'enable.idempotence': 'True'}).idempotent).toBe(true)
    expect(() => options({'enable.idempotence': 'yes'})).toThrow(
      'Invalid value yes for configuration enable.idempotence: Expected value to be either true or false',
    )
  })

  it('refuses transactional.id in one line for the console producer, which runs no transactions', () => {
    const attempt = () => refuseTransactionalId(new Map([['transactional.id', 'orders-tx']]))
    expect(attempt).toThrow(UsageError)
    expect(attempt).toThrow(/^transactional\.id is not supported: this producer does not run transactions \(.*\)\.$/)
    expect(() => attempt()).not.toThrow(/\n/)
  })

  it('takes a transactional.id as Kafka does: idempotence required, transaction.timeout.ms read', () => {
    expect(options({'transactional.id': 'perf-tx', 'transaction.timeout.ms': '9000'})).toMatchObject({transactionalId: 'perf-tx', transactionTimeoutMs: 9000, idempotent: true})
    expect(() => options({'transactional.id': 'perf-tx', 'enable.idempotence': 'false'})).toThrow('Cannot set a transactional.id without also enabling idempotence.')
    expect(() => options({'transactional.id': 'perf-tx', acks: '1'})).toThrow('Must set acks to all in order to use the idempotent producer.')
  })
})
