import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {ConfigError} from '../../../src/config/config-error.js'
import {kbusPaths} from '../../../src/config/paths.js'
import {buildServerConfig, loadServerConfig, parseOverride} from '../../../src/config/server-config.js'

const paths = kbusPaths({KBUS_HOME: '/tmp/kbus-unit-home'})
const build = (layers: Parameters<typeof buildServerConfig>[0] = {}) => buildServerConfig(layers, paths)

describe('server config', () => {
  it('starts from Kafka defaults, on loopback, with data under KBUS_HOME', () => {
    const {config, warnings} = build()
    expect(config.listeners).toEqual([{name: 'PLAINTEXT', host: '127.0.0.1', port: 9092}])
    expect(config.advertisedListeners).toEqual(config.listeners)
    expect(config.dataDir).toBe('/tmp/kbus-unit-home/data')
    expect(config.nodeId).toBe(1)
    expect(config.numPartitions).toBe(1)
    expect(config.autoCreateTopics).toBe(true)
    expect(config.segmentBytes).toBe(1_073_741_824)
    expect(config.segmentMs).toBe(168 * 3_600_000)
    expect(config.messageMaxBytes).toBe(1_048_588)
    expect(config.socketRequestMaxBytes).toBe(104_857_600)
    expect(config.retentionMs).toBe(168 * 3_600_000)
    expect(config.offsetsRetentionMs).toBe(10_080 * 60_000)
    expect(config.properties.size).toBe(0)
    expect(config.resolved.get('num.partitions')).toEqual({value: '1', source: 'default'})
    expect(warnings).toEqual([])
  })

  it('applies defaults < file < --override < flags', () => {
    const file = new Map([['num.partitions', '3'], ['log.segment.bytes', '2097152'], ['listeners', 'PLAINTEXT://127.0.0.1:9000']])
    const overrides = new Map([['num.partitions', '5']])
    const {config} = build({file, overrides, port: 0, dataDir: '/tmp/elsewhere'})
    expect(config.numPartitions).toBe(5)
    expect(config.segmentBytes).toBe(2097152)
    expect(config.listeners).toEqual([{name: 'PLAINTEXT', host: '127.0.0.1', port: 0}])
    expect(config.dataDir).toBe('/tmp/elsewhere')
    expect(config.resolved.get('num.partitions')).toEqual({value: '5', source: 'override'})
    expect(config.resolved.get('log.segment.bytes')).toEqual({value: '2097152', source: 'file'})
    expect(config.resolved.get('log.dirs')).toEqual({value: '/tmp/elsewhere', source: 'flag'})
    expect(config.properties.get('num.partitions')).toBe('5')
  })

  it('names the key, the value, where it came from and what is allowed when a value is bad', () => {
    expect(() => build({overrides: new Map([['num.partitions', '0']])})).toThrow(
      new ConfigError('Invalid value 0 for configuration num.partitions (from --override): Value must be at least 1'),
    )
    expect(() => build({file: new Map([['auto.create.topics.enable', 'yes']])})).toThrow(
      /Invalid value yes for configuration auto.create.topics.enable \(from the config file\): Expected value to be either true or false/,
    )
    expect(() => build({file: new Map([['log.segment.bytes', '3000000000']])})).toThrow(/Not a number of type INT/)
  })

  it('keeps unknown keys with a warning, and accepts Kafka-only keys quietly', () => {
    const file = new Map([['num.io.threads', '8'], ['process.roles', 'broker,controller'], ['log.segmnet.bytes', '1']])
    const {config, warnings} = build({file})
    expect(warnings).toEqual(['Unknown broker config log.segmnet.bytes=1 (from the config file) is kept but not used.'])
    expect(config.properties.get('log.segmnet.bytes')).toBe('1')
  })

  it('uses the finer-grained time settings first, as Kafka does', () => {
    const {config} = build({file: new Map([['log.roll.hours', '2'], ['log.retention.minutes', '30'], ['log.retention.hours', '1']])})
    expect(config.segmentMs).toBe(2 * 3_600_000)
    expect(config.retentionMs).toBe(30 * 60_000)
    const finer = build({overrides: new Map([['log.roll.ms', '500'], ['log.retention.ms', '-1']])}).config
    expect(finer.segmentMs).toBe(500)
    expect(finer.retentionMs).toBe(-1)
  })

  it('reads Kafka sample-config listeners, skipping the controller listener and advertising loopback for wildcards', () => {
    const file = new Map([
      ['listeners', 'PLAINTEXT://:9092,CONTROLLER://:9093'],
      ['controller.listener.names', 'CONTROLLER'],
    ])
    const {config, warnings} = build({file})
    expect(config.listeners).toEqual([{name: 'PLAINTEXT', host: '', port: 9092}])
    expect(config.advertisedListeners).toEqual([{name: 'PLAINTEXT', host: '127.0.0.1', port: 9092}])
    expect(warnings[0]).toMatch(/accepts connections from other machines/)
  })

  it('refuses listeners kbus cannot serve', () => {
    expect(() => build({file: new Map([['listeners', 'SSL://127.0.0.1:9093']])})).toThrow(/uses SSL; kbus serves PLAINTEXT only/)
    expect(() => build({file: new Map([['listeners', '127.0.0.1:9092']])})).toThrow(/expected NAME:\/\/host:port/)
    expect(() => build({port: 70_000})).toThrow(/Invalid port 70000/)
    expect(() => build({file: new Map([['log.dirs', '/a,/b']])})).toThrow(/kbus uses exactly one/)
  })

  it('treats broker.id as node.id and refuses a contradiction', () => {
    expect(build({file: new Map([['broker.id', '7']])}).config.nodeId).toBe(7)
    expect(() => build({file: new Map([['broker.id', '7'], ['node.id', '8']])})).toThrow(/disagree/)
  })

  it('parses --override key=value, keeping = inside the value', () => {
    expect(parseOverride('a.b=c=d')).toEqual(['a.b', 'c=d'])
    expect(() => parseOverride('novalue')).toThrow(/expected key=value/)
  })

  it('loads a server.properties file and says clearly when it cannot', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kbus-cfg-'))
    const file = join(dir, 'server.properties')
    await writeFile(file, '# sample\nnum.partitions=4\n')
    const {config} = await loadServerConfig({configFile: file, overrides: ['default.replication.factor=1']}, paths)
    expect(config.numPartitions).toBe(4)
    await expect(loadServerConfig({configFile: join(dir, 'missing.properties')}, paths)).rejects.toThrow(
      /Cannot read server config .*missing.properties: no such file/,
    )
  })
})

describe('kbus paths', () => {
  it('puts everything under KBUS_HOME', () => {
    expect(kbusPaths({KBUS_HOME: '/x/y'})).toEqual({
      home: '/x/y', socketPath: '/x/y/kbus.sock', pidFile: '/x/y/kbus.pid', logFile: '/x/y/server.log', dataDir: '/x/y/data',
    })
  })

  it('refuses a home so deep the socket path would be truncated, naming KBUS_HOME', () => {
    expect(() => kbusPaths({KBUS_HOME: `/tmp/${'d'.repeat(100)}`})).toThrow(/Set KBUS_HOME to a shorter directory/)
  })
})
