/**
 * The broker's settings, merged the way Kafka merges them: defaults < server.properties <
 * --override key=value < kbus's own flags (--port, --data-dir). Every value is checked up front,
 * so a typo stops the start with one line naming the key, the value and what is allowed.
 */
import {isAbsolute, resolve} from 'node:path'
import {BROKER_CONFIGS, INAPPLICABLE_BROKER_CONFIGS, brokerConfigDef, brokerConfigProblem} from './broker-configs.js'
import {ConfigError} from './config-error.js'
import type {KbusPaths} from './paths.js'
import {readPropertiesFile} from './properties.js'

export type PropertySource = 'default' | 'file' | 'override' | 'flag'

export interface ResolvedProperty {
  value: string | null
  source: PropertySource
}

export interface ListenerAddress {
  /** Kafka's listener name (PLAINTEXT, …). */
  name: string
  host: string
  /** 0 = let the OS pick a free port. */
  port: number
}

export interface ServerConfig {
  nodeId: number
  /** Set only when configured; otherwise the broker keeps its own generated id. */
  clusterId: string | undefined
  /** TCP listeners to bind. */
  listeners: ListenerAddress[]
  /** What Metadata tells clients; a port of 0 is replaced by the bound port once listening. */
  advertisedListeners: ListenerAddress[]
  dataDir: string
  numPartitions: number
  defaultReplicationFactor: number
  autoCreateTopics: boolean
  deleteTopicEnable: boolean
  segmentBytes: number
  segmentMs: number
  indexIntervalBytes: number
  segmentIndexBytes: number
  retentionMs: number
  retentionBytes: number
  retentionCheckIntervalMs: number
  messageMaxBytes: number
  socketRequestMaxBytes: number
  offsetsTopicNumPartitions: number
  offsetsRetentionMs: number
  groupInitialRebalanceDelayMs: number
  groupMinSessionTimeoutMs: number
  groupMaxSessionTimeoutMs: number
  /** Settings given explicitly (file, --override, flags), by Kafka name: what topic configs inherit. */
  properties: ReadonlyMap<string, string>
  /** Every known setting plus unknown given ones, with its value and where it came from (DescribeConfigs). */
  resolved: ReadonlyMap<string, ResolvedProperty>
}

export interface ServerConfigInput {
  /** A server.properties file. */
  configFile?: string
  /** `key=value` strings from repeated --override flags. */
  overrides?: string[]
  port?: number
  dataDir?: string
}

export interface LoadedServerConfig {
  config: ServerConfig
  /** Things worth a log line (unknown keys, wide-open listeners); none stops the start. */
  warnings: string[]
}

export async function loadServerConfig(input: ServerConfigInput, paths: KbusPaths): Promise<LoadedServerConfig> {
  const file = input.configFile ? await readPropertiesFile(input.configFile, 'server config') : new Map<string, string>()
  const overrides = new Map((input.overrides ?? []).map(parseOverride))
  return buildServerConfig({file, overrides, port: input.port, dataDir: input.dataDir}, paths)
}

/** `key=value` → [key, value]; the value may itself contain '='. */
export function parseOverride(text: string): [string, string] {
  const equals = text.indexOf('=')
  const key = equals < 0 ? '' : text.slice(0, equals).trim()
  if (key === '') throw new ConfigError(`Invalid --override "${text}": expected key=value, e.g. --override num.partitions=3`)
  return [key, text.slice(equals + 1).trim()]
}

export function buildServerConfig(
  layers: {file?: ReadonlyMap<string, string>; overrides?: ReadonlyMap<string, string>; port?: number; dataDir?: string},
  paths: KbusPaths,
): LoadedServerConfig {
  const warnings: string[] = []
  const given = new Map<string, ResolvedProperty & {value: string}>()
  for (const [key, value] of layers.file ?? []) given.set(key, {value, source: 'file'})
  for (const [key, value] of layers.overrides ?? []) given.set(key, {value, source: 'override'})

  for (const [key, {value, source}] of given) {
    const config = brokerConfigDef(key)
    if (!config) {
      if (!INAPPLICABLE_BROKER_CONFIGS.has(key))
        warnings.push(`Unknown broker config ${key}=${value} (${describeSource(source)}) is kept but not used.`)
      continue
    }
    const problem = brokerConfigProblem(config, value)
    if (problem) throw new ConfigError(`Invalid value ${value} for configuration ${key} (${describeSource(source)}): ${problem}`)
  }

  const setting = (name: string): string | undefined => given.get(name)?.value
  const number = (name: string): number => Number(setting(name) ?? brokerConfigDef(name)!.defaultValue)
  const flag = (name: string): boolean => (setting(name) ?? brokerConfigDef(name)!.defaultValue)!.toLowerCase() === 'true'

  if (layers.dataDir !== undefined) given.set('log.dirs', {value: layers.dataDir, source: 'flag'})
  const dataDir = resolveDataDir(setting('log.dirs'), setting('log.dir'), paths)

  const skipped = new Set(splitList(setting('controller.listener.names') ?? ''))
  const protocols = protocolMap(setting('listener.security.protocol.map') ?? brokerConfigDef('listener.security.protocol.map')!.defaultValue!)
  let listeners = parseListeners('listeners', setting('listeners') ?? brokerConfigDef('listeners')!.defaultValue!)
    .filter((listener) => !skipped.has(listener.name))
  if (listeners.length === 0) throw new ConfigError('listeners has no PLAINTEXT listener for clients to use')
  for (const listener of listeners) {
    const protocol = protocols.get(listener.name) ?? listener.name
    if (protocol !== 'PLAINTEXT')
      throw new ConfigError(`Listener ${listener.name}://${listener.host}:${listener.port} uses ${protocol}; kbus serves PLAINTEXT only`)
  }
  if (layers.port !== undefined) {
    if (!Number.isInteger(layers.port) || layers.port < 0 || layers.port > 65_535)
      throw new ConfigError(`Invalid port ${layers.port}: expected 0 (any free port) to 65535`)
    listeners = [{...listeners[0], port: layers.port}]
    given.set('listeners', {value: formatListeners(listeners), source: 'flag'})
  }
  for (const listener of listeners)
    if (!isLoopback(listener.host))
      warnings.push(`Listener ${listener.name}://${listener.host || '0.0.0.0'}:${listener.port} accepts connections from other machines, without authentication.`)

  const advertisedSetting = setting('advertised.listeners')
  const advertisedListeners = advertisedSetting
    ? parseListeners('advertised.listeners', advertisedSetting)
    : listeners.map((listener) => ({...listener, host: isWildcard(listener.host) ? '127.0.0.1' : listener.host}))
  for (const listener of advertisedListeners)
    if (isWildcard(listener.host))
      throw new ConfigError(`advertised.listeners cannot use the meta-address ${listener.host || '(empty host)'}: give a host clients can reach`)

  const nodeId = resolveNodeId(setting('node.id'), setting('broker.id'))
  const hours = 3_600_000
  const minutes = 60_000
  const segmentMs = setting('log.roll.ms') !== undefined ? number('log.roll.ms') : number('log.roll.hours') * hours
  const retentionMs =
    setting('log.retention.ms') !== undefined
      ? number('log.retention.ms')
      : setting('log.retention.minutes') !== undefined
        ? number('log.retention.minutes') * minutes
        : number('log.retention.hours') * hours
  const groupMin = number('group.min.session.timeout.ms')
  const groupMax = number('group.max.session.timeout.ms')
  if (groupMin > groupMax)
    throw new ConfigError(`group.min.session.timeout.ms (${groupMin}) must not exceed group.max.session.timeout.ms (${groupMax})`)

  const properties = new Map([...given].map(([key, {value}]) => [key, value]))
  const resolved = new Map<string, ResolvedProperty>()
  for (const config of BROKER_CONFIGS) resolved.set(config.name, {value: config.defaultValue, source: 'default'})
  resolved.set('log.dir', {value: paths.dataDir, source: 'default'})
  for (const [key, property] of given) resolved.set(key, property)

  const config: ServerConfig = {
    nodeId,
    clusterId: setting('cluster.id'),
    listeners,
    advertisedListeners,
    dataDir,
    numPartitions: number('num.partitions'),
    defaultReplicationFactor: number('default.replication.factor'),
    autoCreateTopics: flag('auto.create.topics.enable'),
    deleteTopicEnable: flag('delete.topic.enable'),
    segmentBytes: number('log.segment.bytes'),
    segmentMs,
    indexIntervalBytes: number('log.index.interval.bytes'),
    segmentIndexBytes: number('log.index.size.max.bytes'),
    retentionMs,
    retentionBytes: number('log.retention.bytes'),
    retentionCheckIntervalMs: number('log.retention.check.interval.ms'),
    messageMaxBytes: number('message.max.bytes'),
    socketRequestMaxBytes: number('socket.request.max.bytes'),
    offsetsTopicNumPartitions: number('offsets.topic.num.partitions'),
    offsetsRetentionMs: number('offsets.retention.minutes') * minutes,
    groupInitialRebalanceDelayMs: number('group.initial.rebalance.delay.ms'),
    groupMinSessionTimeoutMs: groupMin,
    groupMaxSessionTimeoutMs: groupMax,
    properties,
    resolved,
  }
  return {config, warnings}
}

export function describeSource(source: PropertySource): string {
  switch (source) {
    case 'file':
      return 'from the config file'
    case 'override':
      return 'from --override'
    case 'flag':
      return 'from a command-line flag'
    case 'default':
      return 'default'
  }
}

function resolveNodeId(nodeId: string | undefined, brokerId: string | undefined): number {
  if (nodeId !== undefined && brokerId !== undefined && nodeId !== brokerId)
    throw new ConfigError(`node.id (${nodeId}) and broker.id (${brokerId}) disagree: set only node.id`)
  return Number(nodeId ?? brokerId ?? brokerConfigDef('node.id')!.defaultValue)
}

function resolveDataDir(logDirs: string | undefined, logDir: string | undefined, paths: KbusPaths): string {
  const dirs = splitList(logDirs ?? '')
  if (dirs.length > 1) throw new ConfigError(`log.dirs lists ${dirs.length} directories (${logDirs}); kbus uses exactly one`)
  const dir = dirs[0] ?? logDir ?? paths.dataDir
  return isAbsolute(dir) ? dir : resolve(dir)
}

const LISTENER = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:/]*):(\d+)$/

export function parseListeners(key: string, text: string): ListenerAddress[] {
  const listeners = splitList(text).map((entry) => {
    const match = LISTENER.exec(entry)
    const port = match ? Number(match[3]) : Number.NaN
    if (!match || port > 65_535)
      throw new ConfigError(`Invalid value ${text} for configuration ${key}: expected NAME://host:port[,NAME://host:port], e.g. PLAINTEXT://127.0.0.1:9092`)
    const host = match[2].startsWith('[') ? match[2].slice(1, -1) : match[2]
    return {name: match[1].toUpperCase(), host, port}
  })
  const names = listeners.map((listener) => listener.name)
  const duplicate = names.find((name, index) => names.indexOf(name) !== index)
  if (duplicate) throw new ConfigError(`Invalid value ${text} for configuration ${key}: listener name ${duplicate} appears twice`)
  return listeners
}

export function formatListeners(listeners: ListenerAddress[]): string {
  return listeners
    .map(({name, host, port}) => `${name}://${host.includes(':') ? `[${host}]` : host}:${port}`)
    .join(',')
}

function protocolMap(text: string): Map<string, string> {
  const map = new Map<string, string>()
  for (const entry of splitList(text)) {
    const [name, protocol] = entry.split(':')
    if (!name || !protocol)
      throw new ConfigError(`Invalid value ${text} for configuration listener.security.protocol.map: expected NAME:PROTOCOL pairs`)
    map.set(name.trim().toUpperCase(), protocol.trim().toUpperCase())
  }
  return map
}

function splitList(text: string): string[] {
  return text.split(',').map((item) => item.trim()).filter((item) => item !== '')
}

function isWildcard(host: string): boolean {
  return host === '' || host === '0.0.0.0' || host === '::'
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.')
}
