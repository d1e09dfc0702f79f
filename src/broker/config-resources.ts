/**
 * The config resources DescribeConfigs and the alter APIs address: topics (their overrides on top
 * of broker settings and Kafka's defaults) and this broker (its static settings).
 */
import type {ServerConfig} from '../config/server-config.js'
import {brokerConfigDef} from '../config/broker-configs.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {BrokerCore} from './broker-core.js'
import {GROUP_CONFIGS, type GroupConfigs} from './group-configs.js'
import {type DynamicBrokerConfigs, type DynamicScope, isDynamicBrokerConfig} from './dynamic-broker-configs.js'
import {ConfigSource, type ConfigType, resolveTopicConfig, TOPIC_CONFIGS, topicConfigDef} from './topic-configs.js'

export const enum ResourceType {
  Topic = 2,
  Broker = 4,
  Group = 32,
}

/** DescribeConfigs' GROUP_CONFIG source. */
const GROUP_CONFIG_SOURCE = 8

/** DescribeConfigs' ConfigType numbers. */
const CONFIG_TYPE: Record<ConfigType, number> = {boolean: 1, string: 2, int: 3, long: 5, double: 6, list: 7, class: 8, password: 9}

export interface DescribedConfig {
  name: string
  value: string | null
  readOnly: boolean
  configSource: number
  isSensitive: boolean
  synonyms: {name: string; value: string | null; source: number}[]
  configType: number
  documentation: string | null
}

export function describeTopicConfigs(broker: BrokerCore, topicName: string, keys: string[] | null, synonyms: boolean): DescribedConfig[] {
  const topic = broker.topics.get(topicName)
  if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topicName}' does not exist.`)
  const wanted = keys === null ? TOPIC_CONFIGS : keys.map(topicConfigDef).filter((def) => def !== undefined)
  return wanted.map((def) => {
    const resolved = resolveTopicConfig(def, topic.record.configs, broker.brokerSetting)
    return {
      name: def.name,
      value: resolved.value,
      readOnly: false,
      configSource: resolved.source,
      isSensitive: false,
      synonyms: synonyms ? resolved.synonyms.map((s) => ({name: s.name, value: s.value, source: s.source})) : [],
      configType: CONFIG_TYPE[def.type],
      documentation: null,
    }
  })
}

/**
 * A broker's settings: static ones (server.properties, --override, flags, defaults) under any
 * changed at run time. The cluster default resource ("") holds only dynamic defaults.
 */
export function describeBrokerConfigs(
  config: ServerConfig,
  dynamic: DynamicBrokerConfigs,
  resourceName: string,
  keys: string[] | null,
  synonyms: boolean,
): DescribedConfig[] {
  const wanted = (name: string) => keys === null || keys.includes(name)
  const describe = (name: string, value: string | null, configSource: number): DescribedConfig => ({
    name,
    value,
    readOnly: !isDynamicBrokerConfig(name),
    configSource,
    isSensitive: false,
    synonyms: synonyms ? [{name, value, source: configSource}] : [],
    configType: CONFIG_TYPE[brokerConfigDef(name)?.type ?? 'string'],
    documentation: null,
  })
  if (resourceName === '')
    return Object.entries(dynamic.entries('default'))
      .filter(([name]) => wanted(name))
      .map(([name, value]) => describe(name, value, ConfigSource.DynamicDefaultBroker))
  brokerScope(config, resourceName)
  const names = new Set([...config.resolved.keys(), ...Object.keys(dynamic.entries('broker')), ...Object.keys(dynamic.entries('default'))])
  return [...names].filter(wanted).map((name) => {
    const changed = dynamic.get(name)
    if (changed) return describe(name, changed.value, changed.source)
    const {value, source} = config.resolved.get(name)!
    return describe(name, value, source === 'default' ? ConfigSource.Default : ConfigSource.StaticBroker)
  })
}

/** Which dynamic scope a broker resource name addresses: this node's id, or "" for the cluster default. */
export function brokerScope(config: ServerConfig, resourceName: string): DynamicScope {
  if (resourceName === '') return 'default'
  if (resourceName !== String(config.nodeId))
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} or empty string, but received ${resourceName}`)
  return 'broker'
}

/** A group's configs: its overrides (source GROUP_CONFIG) over Kafka's defaults. */
export function describeGroupConfigs(groups: GroupConfigs, groupId: string, keys: string[] | null, synonyms: boolean): DescribedConfig[] {
  const overrides = groups.overrides(groupId)
  return GROUP_CONFIGS.filter((def) => keys === null || keys.includes(def.name)).map((def) => {
    const own = overrides[def.name]
    const chain = [
      ...(own === undefined ? [] : [{name: def.name, value: own, source: GROUP_CONFIG_SOURCE}]),
      {name: def.name, value: def.defaultValue, source: ConfigSource.Default},
    ]
    return {
      name: def.name,
      value: own ?? def.defaultValue,
      readOnly: false,
      configSource: chain[0].source,
      isSensitive: false,
      synonyms: synonyms ? chain : [],
      configType: def.name === 'share.auto.offset.reset' ? CONFIG_TYPE.string : CONFIG_TYPE.int,
      documentation: null,
    }
  })
}
