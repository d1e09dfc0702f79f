/**
 * Topic-level configs with Kafka's names, defaults, broker synonyms and validation messages
 * (LogConfig / ServerTopicConfigSynonyms). A topic's effective value is its own override, else the
 * broker setting it inherits from, else Kafka's default — the order DescribeConfigs reports as sources.
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
  /** The broker settings the topic inherits from, the one Kafka lets change at run time first. */
  synonyms: Synonym[]
  /** Kafka's complaint about a well-typed value, or null when it is acceptable. */
  check?: (value: string) => string | null
  /** How Kafka's message shows the value it refused (a list in brackets), when not as given. */
  shown?: (value: string) => string
  /** A whole refusal of a valid value this single node cannot honour, in Kafka's words. */
  refusal?: (value: string) => string | null
}

const LONG_MAX = '9223372036854775807'
const hoursToMs = (value: string) => String(Number(value) * 3_600_000)
const minutesToMs = (value: string) => String(Number(value) * 60_000)

/** Kafka's ConfigDef.Range: the lower bound is checked first, each with its own sentence. */
const between = (min: number | null, max: number | null) => (value: string) =>
  min !== null && Number(value) < min
    ? `Value must be at least ${min}`
    : max !== null && Number(value) > max
      ? `Value must be no more than ${max}`
      : null
const atLeast = (min: number) => between(min, null)
const oneOf = (...allowed: string[]) => (value: string) =>
  allowed.includes(value) ? null : `String must be one of: ${allowed.join(', ')}`
const listOf = (...allowed: string[]) => (value: string) => {
  const items = value.split(',').map((item) => item.trim())
  return items.every((item) => allowed.includes(item)) ? null : `String must be one of: ${allowed.join(', ')}`
}
const gzipLevel = (value: string) =>
  Number(value) === -1 || (Number(value) >= 1 && Number(value) <= 9) ? null : 'Value must be between 1 and 9 or equal to -1'

/** A LIST value as Kafka parses it: trimmed, split at commas with the spaces around them. */
const listItems = (value: string) => (value.trim() === '' ? [] : value.trim().split(/\s*,\s*/))
const asJavaList = (value: string) => `[${listItems(value).join(', ')}]`
/** Throttled replicas: `*`, or `partition:broker` pairs (Kafka's ThrottledReplicaListValidator). */
const throttledReplicas = (name: string) => (value: string) => {
  const items = listItems(value)
  if (items.join('').trim() === '*' || items.every((item) => /^(\d+:\d+)?$/.test(item.trim()))) return null
  return `${name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`
}

const def = (
  name: string,
  type: ConfigType,
  defaultValue: string,
  synonyms: Synonym[] = [],
  check?: TopicConfigDef['check'],
  extra: Pick<TopicConfigDef, 'shown' | 'refusal'> = {},
): TopicConfigDef => ({name, type, defaultValue, synonyms, check, ...extra})

const sameName = (name: string): Synonym[] => [{name}]
const throttledReplicasDef = (name: string) => def(name, 'list', '', [], throttledReplicas(name), {shown: asJavaList})

/** Every topic config Kafka 4.3 describes, in its order (by name). */
export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('cleanup.policy', 'list', 'delete', [{name: 'log.cleanup.policy'}], listOf('compact', 'delete')),
  // The levels are accepted and reported; kbus's codecs write at their own fixed settings.
  def('compression.gzip.level', 'int', '-1', sameName('compression.gzip.level'), gzipLevel),
  def('compression.lz4.level', 'int', '9', sameName('compression.lz4.level'), between(1, 17)),
  def('compression.type', 'string', 'producer', sameName('compression.type'),
    oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer')),
  def('compression.zstd.level', 'int', '3', sameName('compression.zstd.level'), between(-131_072, 22)),
  def('delete.retention.ms', 'long', '86400000', [{name: 'log.cleaner.delete.retention.ms'}], atLeast(0)),
  def('file.delete.delay.ms', 'long', '60000', [{name: 'log.segment.delete.delay.ms'}], atLeast(0)),
  def('flush.messages', 'long', LONG_MAX, [{name: 'log.flush.interval.messages'}], atLeast(1)),
  def('flush.ms', 'long', LONG_MAX, [{name: 'log.flush.interval.ms'}, {name: 'log.flush.scheduler.interval.ms'}], atLeast(0)),
  throttledReplicasDef('follower.replication.throttled.replicas'),
  def('index.interval.bytes', 'int', '4096', [{name: 'log.index.interval.bytes'}], atLeast(0)),
  throttledReplicasDef('leader.replication.throttled.replicas'),
  // Tiered storage: kbus keeps every segment local, so these only matter once remote storage is on.
  def('local.retention.bytes', 'long', '-2', [{name: 'log.local.retention.bytes'}], atLeast(-2)),
  def('local.retention.ms', 'long', '-2', [{name: 'log.local.retention.ms'}], atLeast(-2)),
  def('max.compaction.lag.ms', 'long', LONG_MAX, [{name: 'log.cleaner.max.compaction.lag.ms'}], atLeast(1)),
  def('max.message.bytes', 'int', '1048588', [{name: 'message.max.bytes'}], atLeast(0)),
  def('message.timestamp.after.max.ms', 'long', '3600000', [{name: 'log.message.timestamp.after.max.ms'}], atLeast(0)),
  def('message.timestamp.before.max.ms', 'long', LONG_MAX, [{name: 'log.message.timestamp.before.max.ms'}], atLeast(0)),
  def('message.timestamp.type', 'string', 'CreateTime', [{name: 'log.message.timestamp.type'}],
    oneOf('CreateTime', 'LogAppendTime')),
  def('min.cleanable.dirty.ratio', 'double', '0.5', [{name: 'log.cleaner.min.cleanable.ratio'}], between(0, 1)),
  def('min.compaction.lag.ms', 'long', '0', [{name: 'log.cleaner.min.compaction.lag.ms'}], atLeast(0)),
  def('min.insync.replicas', 'int', '1', sameName('min.insync.replicas'), atLeast(1)),
  def('preallocate', 'boolean', 'false', [{name: 'log.preallocate'}]),
  def('remote.log.copy.disable', 'boolean', 'false'),
  def('remote.log.delete.on.disable', 'boolean', 'false'),
  def('remote.storage.enable', 'boolean', 'false', [], undefined, {
    refusal: (value) =>
      value.toLowerCase() === 'true'
        ? 'Tiered Storage functionality is disabled in the broker. Topic cannot be configured with remote log storage.'
        : null,
  }),
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
  def('unclean.leader.election.enable', 'boolean', 'false', sameName('unclean.leader.election.enable')),
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
  const typeError = typeProblem(config.type, value)
  if (typeError) throw invalidConfig(`Invalid value ${value} for configuration ${name}: ${typeError}`)
  const problem = config.check?.(value)
  if (problem) throw invalidConfig(`Invalid value ${shownValue(config, value)} for configuration ${name}: ${problem}`)
  const refusal = config.refusal?.(value)
  if (refusal) throw invalidConfig(refusal)
}

/** The refused value as Kafka's message prints it: parsed first, so a DOUBLE 2 reads "2.0". */
function shownValue(config: TopicConfigDef, value: string): string {
  if (config.shown) return config.shown(value)
  return config.type === 'double' ? javaDouble(Number(value)) : value
}

/** Java's Double.toString: always a fraction digit, E notation outside [1e-3, 1e7). */
export function javaDouble(n: number): string {
  const magnitude = Math.abs(n)
  if (n === 0 || (magnitude >= 1e-3 && magnitude < 1e7)) return Number.isInteger(n) ? n.toFixed(1) : String(n)
  const [mantissa, exponent] = n.toExponential().split('e')
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`
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
}

/**
 * Looks a broker setting up by its Kafka name: a dynamic value (kafka-configs) or one given in
 * server.properties / --override, with where it came from; undefined when Kafka's default applies.
 */
export type BrokerSettings = (name: string) => {value: string; source: ConfigSource} | undefined

/**
 * A topic config's effective value: its override, else the broker setting it inherits from (a
 * dynamic one before a static one; at one level log.retention.ms before .minutes before .hours),
 * else Kafka's default. The source is Kafka's: the override, else where the primary broker setting
 * is given; a value inherited only from another synonym (log.retention.hours) counts as DEFAULT.
 */
export function resolveTopicConfig(
  config: TopicConfigDef,
  overrides: Readonly<Record<string, string>>,
  broker: BrokerSettings,
): ResolvedConfig {
  const resolved = (value: string, source: ConfigSource): ResolvedConfig => ({name: config.name, value, source, type: config.type})
  const own = overrides[config.name]
  if (own !== undefined) return resolved(own, ConfigSource.DynamicTopic)
  const inherited = config.synonyms
    .map((synonym) => {
      const found = broker(synonym.name)
      return found && {value: synonym.toTopic ? synonym.toTopic(found.value) : found.value, source: found.source}
    })
    .filter((found) => found !== undefined)
    .sort((a, b) => a.source - b.source)
  if (inherited.length === 0) return resolved(config.defaultValue, ConfigSource.Default)
  const primary = config.synonyms[0] && broker(config.synonyms[0].name)
  return resolved(inherited[0].value, primary?.source ?? ConfigSource.Default)
}

/** One line of a config's synonym chain in DescribeConfigs: a setting's name, value and level. */
export interface ConfigSynonym {
  name: string
  value: string
  source: ConfigSource
}

/**
 * Every level that gives a broker setting a value, highest precedence first: this broker's dynamic
 * value, the cluster-wide dynamic default, server.properties (or --override), Kafka's default.
 */
export type BrokerSettingLevels = (name: string) => ConfigSynonym[]

/**
 * The broker settings that stand for one another: a topic config's synonyms (log.retention.ms,
 * .minutes, .hours), or the setting alone.
 */
export function brokerSynonymGroup(name: string): readonly string[] {
  return SYNONYM_GROUPS.get(name) ?? [name]
}

const SYNONYM_GROUPS = new Map(
  TOPIC_CONFIGS.flatMap((config) => config.synonyms.map((synonym) => [synonym.name, config.synonyms.map((s) => s.name)] as const)),
)

/**
 * Kafka's synonym chain for `name` among `group`: every level of every setting in the group,
 * level by level in the group's order, starting from the first entry for `name` itself (so
 * log.retention.ms, set nowhere, lists nothing, though log.retention.hours has a default).
 */
function synonymChain(name: string, group: readonly string[], levels: BrokerSettingLevels): ConfigSynonym[] {
  const all = group.flatMap(levels).sort((a, b) => a.source - b.source)
  const start = all.findIndex((synonym) => synonym.name === name)
  return start === -1 ? [] : all.slice(start)
}

/** The synonyms DescribeConfigs lists for a topic config: its override, then its primary broker setting's chain. */
export function topicConfigSynonyms(
  config: TopicConfigDef,
  overrides: Readonly<Record<string, string>>,
  levels: BrokerSettingLevels,
): ConfigSynonym[] {
  const own = overrides[config.name]
  const group = config.synonyms.map((synonym) => synonym.name)
  return [
    ...(own === undefined ? [] : [{name: config.name, value: own, source: ConfigSource.DynamicTopic}]),
    ...(group.length === 0 ? [] : synonymChain(group[0], group, levels)),
  ]
}

/** The synonyms DescribeConfigs lists for a broker setting. */
export function brokerConfigSynonyms(name: string, levels: BrokerSettingLevels): ConfigSynonym[] {
  return synonymChain(name, brokerSynonymGroup(name), levels)
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
