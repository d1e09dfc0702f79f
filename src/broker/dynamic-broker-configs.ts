/**
 * Broker configs changed at run time (kafka-configs --entity-type brokers), for this broker or as
 * the cluster-wide default (--entity-default), kept in `<dataDir>/meta/broker-configs.json`. As in
 * Kafka, only the settings topics inherit can change without a restart; a per-broker value wins
 * over the cluster default, which wins over server.properties. Of a group of synonyms only the
 * first can change (log.retention.ms, not log.retention.hours), and refusals are Kafka's
 * INVALID_REQUEST, as Kafka's broker answers them.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {brokerConfigDef, brokerConfigProblem} from '../config/broker-configs.js'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {writeFileAtomic} from './meta-store.js'
import {ConfigSource, javaDouble, TOPIC_CONFIGS} from './topic-configs.js'

export type DynamicScope = 'broker' | 'default'

interface StoredConfigs {
  broker: Record<string, string>
  default: Record<string, string>
}

/** The broker setting each topic config inherits first: Kafka lets these change dynamically. */
const DYNAMIC = new Set(TOPIC_CONFIGS.flatMap((config) => config.synonyms.slice(0, 1).map((synonym) => synonym.name)))

export function isDynamicBrokerConfig(name: string): boolean {
  return DYNAMIC.has(name)
}

export interface DynamicValue {
  value: string
  source: ConfigSource
}

export class DynamicBrokerConfigs {
  private constructor(
    private readonly path: string,
    private stored: StoredConfigs,
  ) {}

  static async load(dataDir: string): Promise<DynamicBrokerConfigs> {
    const path = join(dataDir, 'meta', 'broker-configs.json')
    let stored: StoredConfigs = {broker: {}, default: {}}
    try {
      stored = JSON.parse(await readFile(path, 'utf8')) as StoredConfigs
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
    return new DynamicBrokerConfigs(path, stored)
  }

  get(name: string): DynamicValue | undefined {
    const own = this.stored.broker[name]
    if (own !== undefined) return {value: own, source: ConfigSource.DynamicBroker}
    const shared = this.stored.default[name]
    if (shared !== undefined) return {value: shared, source: ConfigSource.DynamicDefaultBroker}
    return undefined
  }

  entries(scope: DynamicScope): Readonly<Record<string, string>> {
    return this.stored[scope]
  }

  /**
   * Replaces one scope's values after checking every new or changed one of them (a value stored
   * before kbus refused it stays as it is); nothing changes on a refusal.
   */
  async replace(scope: DynamicScope, configs: Record<string, string>, validateOnly: boolean): Promise<void> {
    const changed = Object.entries(configs).filter(([name, value]) => this.stored[scope][name] !== value)
    const notDynamic = changed.map(([name]) => name).filter((name) => !DYNAMIC.has(name))
    if (notDynamic.length > 0)
      throw new KafkaError(
        ErrorCode.INVALID_REQUEST,
        `Cannot update these configs dynamically: [${notDynamic.join(', ')}] (set them in server.properties or with --override)`,
      )
    for (const [name, value] of changed) {
      const def = brokerConfigDef(name)
      const problem = def && brokerConfigProblem(def, value)
      const shown = def?.type === 'double' && !Number.isNaN(Number(value)) ? javaDouble(Number(value)) : value
      if (problem) throw new KafkaError(ErrorCode.INVALID_REQUEST, `Invalid value ${shown} for configuration ${name}: ${problem}`)
    }
    if (validateOnly) return
    const next = {...this.stored, [scope]: configs}
    await writeFileAtomic(this.path, JSON.stringify(next, null, 1))
    this.stored = next
  }
}
