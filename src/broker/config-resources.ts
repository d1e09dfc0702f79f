/**
 * The config resources DescribeConfigs and the alter APIs address: topics (their overrides on top
 * of broker settings and Kafka's defaults) and this broker (its static settings).
 */
import type {ServerConfig} from '../config/server-config.js'
import {brokerConfigDef} from '../config/broker-configs.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import type {BrokerCore} from './broker-core.js'
import {ConfigSource, type ConfigType, resolveTopicConfig, TOPIC_CONFIGS, topicConfigDef} from './topic-configs.js'

export const enum ResourceType {
  Topic = 2,
  Broker = 4,
}

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

/** A broker's own settings are static in kbus: server.properties, --override and flags. */
export function describeBrokerConfigs(config: ServerConfig, resourceName: string, keys: string[] | null, synonyms: boolean): DescribedConfig[] {
  if (resourceName === '') return [] // cluster-wide dynamic defaults: kbus has none
  if (resourceName !== String(config.nodeId))
    throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${config.nodeId} or empty string, but received ${resourceName}`)
  const entries = [...config.resolved].filter(([name]) => keys === null || keys.includes(name))
  return entries.map(([name, {value, source}]) => {
    const configSource = source === 'default' ? ConfigSource.Default : ConfigSource.StaticBroker
    const type = brokerConfigDef(name)?.type ?? 'string'
    return {
      name,
      value,
      readOnly: true,
      configSource,
      isSensitive: false,
      synonyms: synonyms ? [{name, value, source: configSource}] : [],
      configType: CONFIG_TYPE[type],
      documentation: null,
    }
  })
}

export const brokerConfigsAreStatic = () =>
  new KafkaError(
    ErrorCode.INVALID_REQUEST,
    'kbus applies broker configs at start only: set them in server.properties or with `kbus server start --override key=value`',
  )
