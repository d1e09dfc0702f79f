/**
 * Topic-level configs with Kafka's names, defaults, broker synonyms and validation messages
 * (LogConfig / ServerLogConfigs). A topic's effective value is its own override, else the broker
 * setting it inherits from, else Kafka's default — the order DescribeConfigs reports as sources.
 */
import {invalidConfig} from './errors.js'

export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list' | 'class' | 'password'

interface Synonym {
  name: string
  /** Converts the broker value into the topic unit (log.roll.hours → segment.ms). */
  toTopic?: (value: string) => string
}

export interface TopicConfigDef {
  name: string
  type: ConfigType
  defaultValue: string
  synonyms: Synonym[]
  /** Kafka's complaint about a well-typed value, or null when it is acceptable. */
  check?: (value: string) => string | null
}

const LONG_MAX = '9223372036854775807'
const hoursToMs = (value: string) => String(Number(value) * 3_600_000)
const minutesToMs = (value: string) => String(Number(value) * 60_000)

const atLeast = (min: number) => (value: string) => (Number(value) >= min ? null : `Value must be at least ${min}`)
const between = (min: number, max: number) => (value: string) =>
  Number(value) >= min && Number(value) <= max ? null : `Value must be no less than ${min} and no more than ${max}`
const oneOf = (...allowed: string[]) => (value: string) =>
  allowed.includes(value) ? null : `String must be one of: ${allowed.join(', ')}`
const listOf = (...allowed: string[]) => (value: string) => {
  const items = value.split(',').map((item) => item.trim())
  return items.every((item) => allowed.includes(item)) ? null : `String must be one of: ${allowed.join(', ')}`
}

const def = (
  name: string,
  type: ConfigType,
  defaultValue: string,
  synonyms: Synonym[] = [],
  check?: TopicConfigDef['check'],
): TopicConfigDef => ({name, type, defaultValue, synonyms, check})

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('cleanup.policy', 'list', 'delete', [{name: 'log.cleanup.policy'}], listOf('compact', 'delete')),
  def('compression.type', 'string', 'producer', [{name: 'compression.type'}],
    oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer')),
  def('delete.retention.ms', 'long', '86400000', [{name: 'log.cleaner.delete.retention.ms'}], atLeast(0)),
  def('file.delete.delay.ms', 'long', '60000', [{name: 'log.segment.delete.delay.ms'}], atLeast(0)),
  def('flush.messages', 'long', LONG_MAX, [{name: 'log.flush.interval.messages'}], atLeast(1)),
  def('flush.ms', 'long', LONG_MAX, [{name: 'log.flush.interval.ms'}], atLeast(0)),
  def('index.interval.bytes', 'int', '4096', [{name: 'log.index.interval.bytes'}], atLeast(0)),
  def('max.compaction.lag.ms', 'long', LONG_MAX, [{name: 'log.cleaner.max.compaction.lag.ms'}], atLeast(1)),
  def('max.message.bytes', 'int', '1048588', [{name: 'message.max.bytes'}], atLeast(0)),
  def('message.timestamp.after.max.ms', 'long', '3600000', [{name: 'log.message.timestamp.after.max.ms'}], atLeast(0)),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, [{name: 'log.message.timestamp.before.max.ms'}], atLeast(0)),
  def('message.timestamp.type', 'string', 'CreateTime', [{name: 'log.message.timestamp.type'}],
    oneOf('CreateTime', 'LogAppendTime')),
  def('min.cleanable.dirty.ratio', 'double', '0.5', [{name: 'log.cleaner.min.cleanable.ratio'}], between(0, 1)),
  def('min.compaction.lag.ms', 'long', '0', [{name: 'log.cleaner.min.compaction.lag.ms'}], atLeast(0)),
  def('min.insync.replicas', 'int', '1', [{name: 'min.insync.replicas'}], atLeast(1)),
  def('preallocate', 'boolean', 'false', [{name: 'log.preallocate'}]),
  def('retention.bytes', 'long', '-1', [{name: 'log.retention.bytes'}]),
  def('retention.ms', 'long', '604800000', [
    {name: 'log.retention.ms'},
    {name: 'log.retention.minutes', toTopic: minutesToMs},
    {name: 'log.retention.hours', toTopic: hoursToMs},
  ], atLeast(-1)),
  def('segment.bytes', 'int', '1073741824', [{name: 'log.segment.bytes'}], atLeast(1_048_576)),
  def('segment.index.bytes', 'int', '10485760', [{name: 'log.index.size.max.bytes'}], atLeast(4)),
  def('segment.jitter.ms', 'long', '0', [{name: 'log.roll.jitter.ms'}, {name: 'log.roll.jitter.hours', toTopic: hoursToMs}], atLeast(0)),
  def('segment.ms', 'long', '604800000', [{name: 'log.roll.ms'}, {name: 'log.roll.hours', toTopic: hoursToMs}], atLeast(1)),
  def('unclean.leader.election.enable', 'boolean', 'false', [{name: 'unclean.leader.election.enable'}]),
]

const BY_NAME = new Map(TOPIC_CONFIGS.map((config) => [config.name, config]))

export function topicConfigDef(name: string): TopicConfigDef | undefined {
  return BY_NAME.get(name)
}

const TYPE_NAMES: Record<ConfigType, string> = {
  boolean: 'BOOLEAN', int: 'INT', long: 'LONG', double: 'DOUBLE', string: 'STRING', list: 'LIST', class: 'CLASS',
  password: 'PASSWORD',
}

function typeProblem(type: ConfigType, value: string): string | null {
  switch (type) {
    case 'boolean':
      return /^(true|false)$/i.test(value) ? null : 'Expected value to be either true or false'
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) return `Not a number of type ${TYPE_NAMES[type]}`
      const limit = type === 'int' ? 2 ** 31 : 2 ** 63
      const n = Number(value)
      return n >= -limit && n < limit ? null : `Not a number of type ${TYPE_NAMES[type]}`
    }
    case 'double':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'Not a number of type DOUBLE'
    default:
      return null
  }
}

/** Validates one topic config the way Kafka does; throws INVALID_CONFIG with Kafka's message. */
export function validateTopicConfig(name: string, value: string | null): void {
  const config = BY_NAME.get(name)
  if (!config) throw invalidConfig(`Unknown topic config name: ${name}`)
  if (value === null) throw invalidConfig(`Null value not supported for topic configs: ${name}`)
  const problem = typeProblem(config.type, value) ?? config.check?.(value) ?? null
  if (problem) throw invalidConfig(`Invalid value ${value} for configuration ${name}: ${problem}`)
}

export const enum ConfigSource {
  DynamicTopic = 1,
  DynamicBroker = 2,
  DynamicDefaultBroker = 3,
  StaticBroker = 4,
  Default = 5,
}

export interface ResolvedConfig {
  name: string
  value: string
  source: ConfigSource
  type: ConfigType
  /** The chain Kafka reports as synonyms: the override, then broker settings, then the default. */
  synonyms: {name: string; value: string; source: ConfigSource}[]
}

/**
 * Looks a broker setting up by its Kafka name: a dynamic value (kafka-configs) or one given in
 * server.properties / --override, with where it came from; undefined when Kafka's default applies.
 */
export type BrokerSettings = (name: string) => {value: string; source: ConfigSource} | undefined

export function resolveTopicConfig(
  config: TopicConfigDef,
  overrides: Readonly<Record<string, string>>,
  broker: BrokerSettings,
): ResolvedConfig {
  const synonyms: ResolvedConfig['synonyms'] = []
  const own = overrides[config.name]
  if (own !== undefined) synonyms.push({name: config.name, value: own, source: ConfigSource.DynamicTopic})
  const inherited: ResolvedConfig['synonyms'] = []
  for (const synonym of config.synonyms) {
    const found = broker(synonym.name)
    if (found !== undefined)
      inherited.push({name: synonym.name, value: synonym.toTopic ? synonym.toTopic(found.value) : found.value, source: found.source})
  }
  // A dynamic setting wins over a static one whatever its name (log.retention.hours set with
  // kafka-configs beats log.retention.ms from server.properties); the sort is stable within a level.
  synonyms.push(...inherited.sort((a, b) => a.source - b.source))
  synonyms.push({name: config.name, value: config.defaultValue, source: ConfigSource.Default})
  const [effective] = synonyms
  return {name: config.name, value: effective.value, source: effective.source, type: config.type, synonyms}
}

/** The settings the log and the produce path read, parsed once per topic. */
export interface TopicSettings {
  segmentBytes: number
  segmentMs: number
  indexIntervalBytes: number
  segmentIndexBytes: number
  maxMessageBytes: number
  logAppendTime: boolean
  retentionMs: number
  retentionBytes: number
  cleanupPolicy: string[]
  deleteRetentionMs: number
  minCompactionLagMs: number
  maxCompactionLagMs: number
  minCleanableDirtyRatio: number
  compressionType: string
  timestampBeforeMaxMs: number
  timestampAfterMaxMs: number
}

export function topicSettings(overrides: Readonly<Record<string, string>>, broker: BrokerSettings): TopicSettings {
  const value = (name: string) => resolveTopicConfig(BY_NAME.get(name)!, overrides, broker).value
  return {
    segmentBytes: Number(value('segment.bytes')),
    segmentMs: Number(value('segment.ms')),
    indexIntervalBytes: Number(value('index.interval.bytes')),
    segmentIndexBytes: Number(value('segment.index.bytes')),
    maxMessageBytes: Number(value('max.message.bytes')),
    logAppendTime: value('message.timestamp.type') === 'LogAppendTime',
    retentionMs: Number(value('retention.ms')),
    retentionBytes: Number(value('retention.bytes')),
    cleanupPolicy: value('cleanup.policy').split(',').map((policy) => policy.trim()),
    deleteRetentionMs: Number(value('delete.retention.ms')),
    minCompactionLagMs: Number(value('min.compaction.lag.ms')),
    maxCompactionLagMs: Number(value('max.compaction.lag.ms')),
    minCleanableDirtyRatio: Number(value('min.cleanable.dirty.ratio')),
    compressionType: value('compression.type'),
    timestampBeforeMaxMs: Number(value('message.timestamp.before.max.ms')),
    timestampAfterMaxMs: Number(value('message.timestamp.after.max.ms')),
  }
}
