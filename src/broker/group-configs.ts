/**
 * Group-level configs (Kafka 4's GroupConfig, `kafka-configs --entity-type groups`), kept per
 * group id in `<dataDir>/meta/group-configs.json`. As in Kafka they tune the KIP-848 consumer and
 * share group protocols, which kbus does not serve: a classic group — every kbus group — is
 * governed by its members' JoinGroup settings, in Kafka as here.
 */
import {readFile} from 'node:fs/promises'
import {join} from 'node:path'
import {ErrorCode, KafkaError} from '../protocol/errors.js'
import {writeFileAtomic} from './meta-store.js'

interface GroupConfigDef {
  name: string
  defaultValue: string
  /** Kafka's complaint about a value, or null. */
  check: (value: string) => string | null
}

const intBetween = (min: number, max: number) => (value: string) => {
  if (!/^-?\d+$/.test(value)) return 'Not a number of type INT'
  const n = Number(value)
  return n >= min && n <= max ? null : `Value must be no less than ${min} and no more than ${max}`
}
const oneOf = (...allowed: string[]) => (value: string) =>
  allowed.includes(value) ? null : `String must be one of: ${allowed.join(', ')}`

export const GROUP_CONFIGS: readonly GroupConfigDef[] = [
  {name: 'consumer.heartbeat.interval.ms', defaultValue: '5000', check: intBetween(5000, 15_000)},
  {name: 'consumer.session.timeout.ms', defaultValue: '45000', check: intBetween(45_000, 60_000)},
  {name: 'share.auto.offset.reset', defaultValue: 'latest', check: oneOf('latest', 'earliest')},
  {name: 'share.heartbeat.interval.ms', defaultValue: '5000', check: intBetween(5000, 15_000)},
  {name: 'share.record.lock.duration.ms', defaultValue: '30000', check: intBetween(15_000, 60_000)},
  {name: 'share.session.timeout.ms', defaultValue: '45000', check: intBetween(45_000, 60_000)},
]

const BY_NAME = new Map(GROUP_CONFIGS.map((config) => [config.name, config]))

export class GroupConfigs {
  private constructor(
    private readonly path: string,
    private stored: Record<string, Record<string, string>>,
  ) {}

  static async load(dataDir: string): Promise<GroupConfigs> {
    const path = join(dataDir, 'meta', 'group-configs.json')
    try {
      return new GroupConfigs(path, JSON.parse(await readFile(path, 'utf8')) as Record<string, Record<string, string>>)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      return new GroupConfigs(path, {})
    }
  }

  overrides(groupId: string): Readonly<Record<string, string>> {
    return this.stored[groupId] ?? {}
  }

  /** Replaces a group's overrides after checking every one; nothing changes on a refusal. */
  async replace(groupId: string, configs: Record<string, string>, validateOnly: boolean): Promise<void> {
    if (groupId === '') throw new KafkaError(ErrorCode.INVALID_GROUP_ID, 'The group id must not be empty.')
    for (const [name, value] of Object.entries(configs)) {
      const def = BY_NAME.get(name)
      if (!def) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Unknown group config name: ${name}`)
      const problem = def.check(value)
      if (problem) throw new KafkaError(ErrorCode.INVALID_CONFIG, `Invalid value ${value} for configuration ${name}: ${problem}`)
    }
    if (validateOnly) return
    const next = {...this.stored}
    if (Object.keys(configs).length === 0) delete next[groupId]
    else next[groupId] = configs
    await writeFileAtomic(this.path, JSON.stringify(next, null, 1))
    this.stored = next
  }
}
