import {describe, expect, it} from 'vitest'
import {checkBrokersExist, logDirsJson, parseBrokerList, parseTopicList} from '../../../src/cli/log-dirs.js'
import {ErrorCode, KafkaError} from '../../../src/protocol/errors.js'

describe('logDirsJson', () => {
  it("names a failed directory's error by the exception class Kafka's tool prints", () => {
    const json = logDirsJson([
      {
        broker: 1,
        logDirs: [
          {path: '/offline', replicas: [], totalBytes: -1, usableBytes: -1, error: new KafkaError(ErrorCode.KAFKA_STORAGE_ERROR)},
          {path: '/odd', replicas: [], totalBytes: -1, usableBytes: -1, error: new KafkaError(ErrorCode.LOG_DIR_NOT_FOUND)},
          {path: '/fine', replicas: [{topic: 'a-b', partition: 3, size: 70, offsetLag: 0, isFuture: false}], totalBytes: 9, usableBytes: 8},
        ],
      },
    ])
    expect(JSON.stringify(json)).toBe(
      '{"brokers":[{"broker":1,"logDirs":[' +
        '{"partitions":[],"error":"org.apache.kafka.common.errors.KafkaStorageException","logDir":"/offline"},' +
        '{"partitions":[],"error":"LOG_DIR_NOT_FOUND","logDir":"/odd"},' +
        '{"partitions":[{"partition":"a-b-3","size":70,"offsetLag":0,"isFuture":false}],"error":null,"logDir":"/fine"}' +
        ']}],"version":1}',
    )
  })
})

describe('--topic-list and --broker-list', () => {
  it('skip empty entries, and nothing left means every topic or broker', () => {
    expect(parseTopicList(undefined)).toBeNull()
    expect(parseTopicList(',,')).toBeNull()
    expect(parseTopicList('a,,b,a')).toEqual(['a', 'b'])
    expect(parseBrokerList('')).toBeNull()
    expect(parseBrokerList('3, 1,3')).toEqual([1, 3])
  })

  it('refuses what is not a broker id, and ids the cluster does not have', () => {
    expect(() => parseBrokerList('1,-2')).toThrow(/--broker-list takes broker ids such as 0,1,2, but "-2" is not one/)
    expect(() => checkBrokersExist([1, 4, 7], [1])).toThrow('The given brokers do not exist from --broker-list: 4,7. Current existent brokers: 1')
    expect(() => checkBrokersExist([1], [1])).not.toThrow()
  })
})
