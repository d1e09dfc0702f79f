/**
 * The config resources DescribeConfigs and the alter APIs address: topics (their overrides on top
 * of broker settings and Kafka's defaults), this broker (its dynamic, static and default
 * settings) and groups, each entry with the synonym chain Kafka reports for it.
 */
import type {ServerConfig} from '../config/server-config.js'
import {brokerConfigDef} from '../config/broker-configs.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {BrokerCore} from './broker-core.js'
import {GROUP_CONFIGS, type GroupConfigs} from './group-configs.js'
import {type DynamicBrokerConfigs, type DynamicScope, isDynamicBrokerConfig} from './dynamic-broker-configs.js'
import {
  brokerConfigSynonyms,
  type BrokerSettingLevels,
  ConfigSource,
  type ConfigSynonym,
  type ConfigType,
  resolveTopicConfig,
  TOPIC_CONFIGS,
  topicConfigDef,
  topicConfigSynonyms,
} from './topic-configs.js'

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
  const levels = brokerSettingLevels(broker.config, broker.dynamicConfigs)
  return wanted.map((def) => {
    const resolved = resolveTopicConfig(def, topic.record.configs, broker.brokerSetting)
    return {
      name: def.name,
      value: resolved.value,
      readOnly: false,
      configSource: resolved.source,
      isSensitive: false,
      synonyms: synonyms ? topicConfigSynonyms(def, topic.record.configs, levels) : [],
      configType: CONFIG_TYPE[def.type],
      documentation: null,
    }
  })
}

/** Where a broker setting is given, level by level: what synonym chains are made of. */
export function brokerSettingLevels(config: ServerConfig, dynamic: DynamicBrokerConfigs): BrokerSettingLevels {
  return (name) => {
    const levels: ConfigSynonym[] = []
    const add = (value: string | null | undefined, source: ConfigSource) => {
      if (value !== undefined && value !== null) levels.push({name, value, source})
    }
    add(dynamic.entries('broker')[name], ConfigSource.DynamicBroker)
    add(dynamic.entries('default')[name], ConfigSource.DynamicDefaultBroker)
    const given = config.resolved.get(name)
    if (given?.source === 'default') add(given.value, ConfigSource.Default)
    else {
      add(given?.value, ConfigSource.StaticBroker)
      add(brokerConfigDef(name)?.defaultValue, ConfigSource.Default)
    }
    return levels
  }
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
  // The chain starts with the setting's own value; set nowhere, it is null, as Kafka shows it.
  const describe = (name: string, chain: ConfigSynonym[]): DescribedConfig => ({
    name,
    value: chain[0]?.value ?? null,
    readOnly: !isDynamicBrokerConfig(name),
    configSource: chain[0]?.source ?? ConfigSource.Default,
    isSensitive: false,
    synonyms: synonyms ? chain : [],
    configType: CONFIG_TYPE[brokerConfigDef(name)?.type ?? 'string'],
    documentation: null,
  })
  if (resourceName === '')
    return Object.entries(dynamic.entries('default'))
      .filter(([name]) => wanted(name))
      .map(([name, value]) => describe(name, [{name, value, source: ConfigSource.DynamicDefaultBroker}]))
  brokerScope(config, resourceName)
  const levels = brokerSettingLevels(config, dynamic)
  const names = new Set([...config.resolved.keys(), ...Object.keys(dynamic.entries('broker')), ...Object.keys(dynamic.entries('default'))])
  return [...names].filter(wanted).map((name) => describe(name, brokerConfigSynonyms(name, levels)))
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
