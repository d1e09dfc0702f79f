/**
 * kafka-configs' command-line grammar: which entity a command addresses (`--entity-type` /
 * `--entity-name` / `--entity-default`, or the `--topic`, `--broker`, `--broker-defaults`
 * shorthands), and the `--add-config 'k1=v1,k2=[a,b]'` and `--delete-config k1,k2` values, with
 * Kafka's rules and messages.
 */
import {Flags} from '@oclif/core'
import type {ConfigResource} from '../client/admin.js'
import {UsageError} from './errors.js'

export type EntityType = 'topics' | 'brokers' | 'groups'

/** The config resource kind an entity type names on the wire. */
export function resourceTypeOf(type: EntityType): ConfigResource['type'] {
  return ({topics: 'topic', brokers: 'broker', groups: 'group'} as const)[type]
}

/** The entity a configs command works on; a null name means "every entity of the type". */
export interface ConfigEntity {
  type: EntityType
  /** '' is the cluster-wide broker default entity. */
  name: string | null
}

export interface EntityFlags {
  'entity-type'?: string
  'entity-name'?: string
  'entity-default'?: boolean
  topic?: string
  broker?: string
  'broker-defaults'?: boolean
  group?: string
}

/** The entity-selecting flags both `configs describe` and `configs alter` take. */
export const entityFlags = {
  'entity-type': Flags.string({summary: 'Type of entity: topics, brokers or groups.', helpGroup: 'ENTITY'}),
  'entity-name': Flags.string({summary: 'Name of the entity: a topic name, a broker id or a group id.', helpGroup: 'ENTITY'}),
  'entity-default': Flags.boolean({summary: 'The cluster-wide default entity (brokers only).', helpGroup: 'ENTITY'}),
  topic: Flags.string({summary: "The topic's name (same as --entity-type topics --entity-name <topic>).", helpGroup: 'ENTITY'}),
  broker: Flags.string({summary: "The broker's id (same as --entity-type brokers --entity-name <id>).", helpGroup: 'ENTITY'}),
  'broker-defaults': Flags.boolean({summary: 'The config defaults for all brokers.', helpGroup: 'ENTITY'}),
  group: Flags.string({summary: "The group's id (same as --entity-type groups --entity-name <group>).", helpGroup: 'ENTITY'}),
}

const SUPPORTED_TYPES: readonly EntityType[] = ['topics', 'brokers', 'groups']

export function resolveEntity(flags: EntityFlags, action: 'describe' | 'alter'): ConfigEntity {
  const generic = flags['entity-type'] !== undefined || flags['entity-name'] !== undefined || flags['entity-default'] === true
  const specific = [
    flags.topic !== undefined && 'topics',
    flags.broker !== undefined && 'brokers',
    flags['broker-defaults'] === true && 'brokers',
    flags.group !== undefined && 'groups',
  ].filter((type): type is string => typeof type === 'string')
  if (generic && specific.length > 0)
    throw new UsageError('--entity-{type,name,default} should not be used in conjunction with specific entity flags')
  if (specific.length > 1)
    throw new UsageError(
      flags.topic !== undefined ? "Only 'users' and 'clients' entity types may be specified together" : 'Duplicate entity type(s) specified: brokers',
    )

  const type = generic ? flags['entity-type'] : specific[0]
  if (type === undefined) throw new UsageError('At least one entity type must be specified', 'Pass --entity-type topics|brokers|groups, --topic <name>, --broker <id> or --group <id>.')
  if (!SUPPORTED_TYPES.includes(type as EntityType))
    throw new UsageError(`Invalid entity type ${type}, the entity type must be one of ${SUPPORTED_TYPES.join(', ')} (kbus has no quotas, users or client metrics)`)

  const useDefault = flags['entity-default'] === true || flags['broker-defaults'] === true
  if (useDefault && flags['entity-name'] !== undefined)
    throw new UsageError('--entity-name and --entity-default cannot be used together')
  const name = useDefault ? '' : (flags['entity-name'] ?? flags.topic ?? flags.broker ?? flags.group ?? null)
  const entity: ConfigEntity = {type: type as EntityType, name}

  if (entity.type === 'brokers' && name && !/^-?\d+$/.test(name))
    throw new UsageError(`The entity name for brokers must be a valid integer broker id, but it is: ${name}`)
  if (action === 'describe' && entity.type === 'topics' && useDefault)
    throw new UsageError('--entity-default must not be specified with --describe of topics')
  if (entity.type === 'groups' && useDefault) throw new UsageError('--entity-default is not supported for groups')
  if (action === 'alter' && entity.type !== 'brokers' && !name)
    throw new UsageError(`An entity name must be specified with --alter of ${entity.type}`)
  if (action === 'alter' && name === null)
    throw new UsageError('An entity-name or default entity must be specified with --alter of users, clients, brokers or ips')
  return entity
}

/** Commas outside square brackets separate entries; `=` outside them separates key from value. */
const OUTSIDE_BRACKETS = String.raw`(?=[^\]]*(?:\[|$))`
const ENTRY_SEPARATOR = new RegExp(`,${OUTSIDE_BRACKETS}`)
const KEY_VALUE_SEPARATOR = new RegExp(String.raw`\s*=\s*${OUTSIDE_BRACKETS}`)
const CONFIG_KEY = /^[$a-zA-Z0-9._-]*$/

/**
 * Kafka's `--add-config` value: `k1=v1,k2=[v1,v2],k3=v3`. Square brackets group a value that
 * contains commas and are removed; values may be empty (`k=`); a later key wins.
 */
export function parseAddConfig(text: string): Map<string, string> {
  const configs = new Map<string, string>()
  for (const entry of text.split(ENTRY_SEPARATOR)) {
    const parts = entry.split(KEY_VALUE_SEPARATOR)
    if (parts.length !== 2)
      throw new UsageError(
        'Invalid entity config: all configs to be added must be in the format "key=val" or  "key=[val1,val2]" to group values which contain commas.',
      )
    configs.set(parts[0].trim(), parts[1].replace(/[[\]]/g, '').trim())
  }
  checkKeys(configs.keys())
  return configs
}

/** Keys from a `--add-config-file` properties file, held to the same key rule. */
export function checkedConfigFile(properties: ReadonlyMap<string, string>): Map<string, string> {
  checkKeys(properties.keys())
  return new Map(properties)
}

/** `--delete-config k1,k2`, repeatable: the names, trimmed, in order, without empties. */
export function parseDeleteConfig(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter((name) => name !== '')
}

function checkKeys(keys: Iterable<string>): void {
  for (const key of keys) if (!CONFIG_KEY.test(key)) throw new UsageError(`Invalid character found for config key: ${key}`)
}
