/** The advice under a broker's error is read from what the broker said, so it fits kbus and Apache Kafka alike. */
import {describe, expect, it} from 'vitest'
import {describeError} from '../../../src/cli/errors.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'

const refused = (message: string) => describeError(new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, message))

describe('INVALID_REPLICATION_FACTOR hint', () => {
  it('names the broker count a kbus broker reports', () => {
    expect(refused('Unable to replicate the partition 3 time(s): The target replication factor of 3 cannot be reached because only 1 broker(s) are registered.'))
      .toMatchObject({hint: 'The cluster has a single broker: use --replication-factor 1.', exitCode: 1, code: ErrorCode.INVALID_REPLICATION_FACTOR})
  })

  it("names the broker count Apache Kafka 4.3's words report", () => {
    const kafka = (brokers: number) =>
      `Unable to replicate the partition 5 time(s): The target replication factor of 5 cannot be reached because only ${brokers} broker(s) are registered or some brokers have all their log directories cordoned.`
    expect(refused(kafka(1)).hint).toBe('The cluster has a single broker: use --replication-factor 1.')
    expect(refused(kafka(3)).hint).toBe('The cluster has 3 brokers: use a --replication-factor of 3 or less.')
  })

  it('falls back to general advice when the broker words it otherwise', () => {
    expect(refused('Replication factor must be larger than 0, or -1 to use the default value.').hint).toBe(
      'Choose a --replication-factor between 1 and the number of brokers in the cluster.',
    )
  })
})
