/**
 * The Kafka broker configs kbus understands: Kafka's names, types and defaults (kbus differs
 * only where a developer's single node needs it, and says so in the doc line), each with the
 * check Kafka applies. Keys Kafka knows but a single node has no use for are accepted quietly;
 * anything else is kept and warned about, as Kafka logs unknown configs.
 */
export type BrokerConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list'

export interface BrokerConfigDef {
  name: string
  type: BrokerConfigType
  /** Kafka's default as text; null when Kafka has none (the setting is simply absent). */
  defaultValue: string | null
  doc: string
  /** What is wrong with a well-typed value, or null when it is acceptable. */
  check?: (value: string) => string | null
}

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
const nonEmpty = (value: string) => (value.trim() === '' ? 'Value must not be empty' : null)

const LONG_MAX = '9223372036854775807'

const def = (
  name: string,
  type: BrokerConfigType,
  defaultValue: string | null,
  doc: string,
  check?: BrokerConfigDef['check'],
): BrokerConfigDef => ({name, type, defaultValue, doc, check})

export const BROKER_CONFIGS: readonly BrokerConfigDef[] = [
  // Identity and listeners
  def('node.id', 'int', '1', 'The id of this node (Kafka default -1 needs KRaft formatting; kbus starts at 1).', atLeast(0)),
  def('broker.id', 'int', null, 'Old name of node.id; node.id wins when both are set.', atLeast(0)),
  def('cluster.id', 'string', null, 'Cluster id to report; by default one is generated when the data dir is first used.', nonEmpty),
  def('listeners', 'list', 'PLAINTEXT://127.0.0.1:9092',
    'Comma-separated NAME://host:port listeners (Kafka binds every interface by default; kbus binds loopback).', nonEmpty),
  def('advertised.listeners', 'list', null, 'Addresses given to clients in Metadata; defaults to listeners.'),
  def('listener.security.protocol.map', 'list', 'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    'Listener name to security protocol; kbus serves PLAINTEXT only.'),
  def('controller.listener.names', 'list', null, 'KRaft controller listeners: kbus has no controller and skips them.'),
  // Storage
  def('log.dirs', 'list', null, 'Data directory (one); defaults to log.dir.'),
  def('log.dir', 'string', '$KBUS_HOME/data', 'Data directory when log.dirs is not set (Kafka: /tmp/kafka-logs).', nonEmpty),
  def('log.segment.bytes', 'int', '1073741824', 'Maximum size of one log segment (Kafka 4 minimum: 1 MiB).', atLeast(1_048_576)),
  def('log.roll.ms', 'long', null, 'Roll a segment after this long; defaults to log.roll.hours.', atLeast(1)),
  def('log.roll.hours', 'int', '168', 'Roll a segment after this many hours when log.roll.ms is not set.', atLeast(1)),
  def('log.roll.jitter.ms', 'long', null, 'Random jitter subtracted from the roll time.', atLeast(0)),
  def('log.roll.jitter.hours', 'int', '0', 'Jitter in hours when log.roll.jitter.ms is not set.', atLeast(0)),
  def('log.index.interval.bytes', 'int', '4096', 'Bytes between offset index entries.', atLeast(0)),
  def('log.index.size.max.bytes', 'int', '10485760', 'Maximum size of an offset index file.', atLeast(4)),
  def('log.retention.ms', 'long', null, 'Delete segments older than this; -1 keeps forever. Wins over minutes and hours.', atLeast(-1)),
  def('log.retention.minutes', 'int', null, 'Retention in minutes when log.retention.ms is not set.', atLeast(-1)),
  def('log.retention.hours', 'int', '168', 'Retention in hours when neither ms nor minutes is set.', atLeast(-1)),
  def('log.retention.bytes', 'long', '-1', 'Delete old segments once a partition is larger than this; -1 = no limit.'),
  def('log.retention.check.interval.ms', 'long', '300000', 'How often retention runs.', atLeast(1)),
  def('log.cleanup.policy', 'list', 'delete', 'Default cleanup policy for topics: delete, compact or both.'),
  def('log.cleaner.delete.retention.ms', 'long', '86400000', 'How long tombstones survive compaction.', atLeast(0)),
  def('log.cleaner.min.compaction.lag.ms', 'long', '0', 'Minimum age of a record before compaction.', atLeast(0)),
  def('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, 'Maximum age of an uncompacted record.', atLeast(1)),
  def('log.cleaner.backoff.ms', 'long', '15000', 'How long the cleaner waits when no log needs compacting.', atLeast(0)),
  def('log.cleaner.min.cleanable.ratio', 'double', '0.5', 'Dirty ratio that triggers compaction.', between(0, 1)),
  def('log.segment.delete.delay.ms', 'long', '60000', 'Delay before a deleted segment file is removed.', atLeast(0)),
  def('log.flush.interval.messages', 'long', LONG_MAX, 'Messages between forced flushes (acks=all always fsyncs in kbus).', atLeast(1)),
  def('log.flush.interval.ms', 'long', null, 'Maximum time between forced flushes.', atLeast(0)),
  def('log.flush.scheduler.interval.ms', 'long', LONG_MAX, 'Maximum time between forced flushes when log.flush.interval.ms is not set.'),
  def('log.preallocate', 'boolean', 'false', 'Preallocate segment files.'),
  def('log.message.timestamp.type', 'string', 'CreateTime', 'CreateTime or LogAppendTime.', oneOf('CreateTime', 'LogAppendTime')),
  def('log.message.timestamp.before.max.ms', 'long', LONG_MAX, 'How far in the past a record timestamp may be.', atLeast(0)),
  def('log.message.timestamp.after.max.ms', 'long', '3600000', 'How far in the future a record timestamp may be.', atLeast(0)),
  def('compression.type', 'string', 'producer', 'Compression the broker applies; producer keeps what the producer sent.',
    oneOf('uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer')),
  def('compression.gzip.level', 'int', '-1', 'gzip level for compression.type=gzip, 1-9 or -1 (accepted; kbus writes at zlib\'s default).',
    (value) => (Number(value) === -1 || (Number(value) >= 1 && Number(value) <= 9) ? null : 'Value must be between 1 and 9 or equal to -1')),
  def('compression.lz4.level', 'int', '9', 'lz4 level for compression.type=lz4 (accepted; kbus writes at one fixed level).', between(1, 17)),
  def('compression.zstd.level', 'int', '3', 'zstd level for compression.type=zstd (accepted; kbus writes uncompressed zstd blocks).', between(-131_072, 22)),
  def('log.local.retention.ms', 'long', '-2', 'Tiered storage: local retention time (-2 = log.retention.ms); kbus has no remote tier.', atLeast(-2)),
  def('log.local.retention.bytes', 'long', '-2', 'Tiered storage: local retention size (-2 = log.retention.bytes); kbus has no remote tier.', atLeast(-2)),
  def('min.insync.replicas', 'int', '1', 'Replicas that must acknowledge acks=all (a single node has one).', atLeast(1)),
  def('unclean.leader.election.enable', 'boolean', 'false', 'No effect on a single node.'),
  // Topics
  def('num.partitions', 'int', '1', 'Partitions of an auto-created topic or one created without a count.', atLeast(1)),
  def('default.replication.factor', 'int', '1', 'Replication factor of auto-created topics.', atLeast(1)),
  def('auto.create.topics.enable', 'boolean', 'true', 'Create a topic when a client first asks for it.'),
  def('delete.topic.enable', 'boolean', 'true', 'Allow deleting topics.'),
  // Requests
  def('message.max.bytes', 'int', '1048588', 'Largest record batch the broker accepts.', atLeast(0)),
  def('socket.request.max.bytes', 'int', '104857600', 'Largest request frame; bigger ones close the connection.', atLeast(1)),
  // Consumer groups and offsets
  def('offsets.topic.num.partitions', 'int', '50', 'Partitions of __consumer_offsets.', atLeast(1)),
  def('offsets.retention.minutes', 'int', '10080', 'How long committed offsets of an empty group are kept.', atLeast(1)),
  def('offsets.retention.check.interval.ms', 'long', '600000', 'How often expired offsets are removed.', atLeast(1)),
  def('group.initial.rebalance.delay.ms', 'int', '3000', 'Wait for more members before the first rebalance of a new group.', atLeast(0)),
  def('group.min.session.timeout.ms', 'int', '6000', 'Smallest session timeout a consumer may ask for.', atLeast(0)),
  def('group.max.session.timeout.ms', 'int', '1800000', 'Largest session timeout a consumer may ask for.', atLeast(0)),
  // Idempotent producers
  def('producer.id.expiration.ms', 'int', '86400000', 'How long a partition keeps the state of a producer that has stopped writing.', atLeast(1)),
  def('producer.id.expiration.check.interval.ms', 'int', '600000', 'How often idle producers are forgotten.', atLeast(1)),
  // Transactions
  def('transaction.max.timeout.ms', 'int', '900000', 'The longest transaction timeout a producer may ask for.', atLeast(1)),
  def('transaction.abort.timed.out.transaction.cleanup.interval.ms', 'int', '10000', 'How often transactions past their timeout are aborted.', atLeast(1)),
  def('transactional.id.expiration.ms', 'int', '604800000', 'How long the coordinator remembers a transactional id with no transaction.', atLeast(1)),
]

/**
 * Kafka broker settings that mean nothing on one node with no JVM (threads, replication of
 * internal topics, KRaft quorum, ZooKeeper). Kafka's sample server.properties sets many of them,
 * so they are accepted without a warning.
 */
export const INAPPLICABLE_BROKER_CONFIGS: ReadonlySet<string> = new Set([
  'process.roles',
  'controller.quorum.voters',
  'controller.quorum.bootstrap.servers',
  'inter.broker.listener.name',
  'num.network.threads',
  'num.io.threads',
  'num.replica.fetchers',
  'num.recovery.threads.per.data.dir',
  'socket.send.buffer.bytes',
  'socket.receive.buffer.bytes',
  'offsets.topic.replication.factor',
  'transaction.state.log.replication.factor',
  'transaction.state.log.min.isr',
  'share.coordinator.state.topic.replication.factor',
  'share.coordinator.state.topic.min.isr',
  'zookeeper.connect',
  'zookeeper.connection.timeout.ms',
])

const BY_NAME = new Map(BROKER_CONFIGS.map((config) => [config.name, config]))

export function brokerConfigDef(name: string): BrokerConfigDef | undefined {
  return BY_NAME.get(name)
}

const TYPE_NAMES: Record<BrokerConfigType, string> = {
  int: 'INT', long: 'LONG', double: 'DOUBLE', boolean: 'BOOLEAN', string: 'STRING', list: 'LIST',
}

/** Kafka's ConfigDef complaint about `value` for `def`, or null when it is acceptable. */
export function brokerConfigProblem(config: BrokerConfigDef, value: string): string | null {
  return typeProblem(config.type, value) ?? config.check?.(value) ?? null
}

function typeProblem(type: BrokerConfigType, value: string): string | null {
  switch (type) {
    case 'boolean':
      return /^(true|false)$/i.test(value) ? null : 'Expected value to be either true or false'
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value)) return `Not a number of type ${TYPE_NAMES[type]}`
      const limit = type === 'int' ? 2n ** 31n : 2n ** 63n
      const n = BigInt(value)
      return n >= -limit && n < limit ? null : `Not a number of type ${TYPE_NAMES[type]}`
    }
    case 'double':
      return value !== '' && Number.isFinite(Number(value)) ? null : `Not a number of type ${TYPE_NAMES[type]}`
    default:
      return null
  }
}
