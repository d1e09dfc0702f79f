/**
 * kafka-configs --describe output, line for line: a heading per entity, then
 * `  name=value sensitive=false synonyms={SOURCE:name=value, …}` for each entry of the entity's
 * dynamic source (every entry with --all), sorted by name; and the JSON `--json` gives instead.
 */
import type {DescribedConfigEntry} from '../client/admin.js'
import type {ConfigEntity, EntityType} from './config-args.js'

/** Kafka's ConfigEntry.ConfigSource names by DescribeConfigs' source number. */
const SOURCE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNKNOWN',
  1: 'DYNAMIC_TOPIC_CONFIG',
  2: 'DYNAMIC_BROKER_CONFIG',
  3: 'DYNAMIC_DEFAULT_BROKER_CONFIG',
  4: 'STATIC_BROKER_CONFIG',
  5: 'DEFAULT_CONFIG',
  6: 'DYNAMIC_BROKER_LOGGER_CONFIG',
  7: 'DYNAMIC_CLIENT_METRICS_CONFIG',
  8: 'DYNAMIC_GROUP_CONFIG',
}

export function sourceName(source: number): string {
  return SOURCE_NAMES[source] ?? 'UNKNOWN'
}

/** The one source `--describe` shows without --all: where the entity's own dynamic settings live. */
export function dynamicSource(type: EntityType, name: string): number {
  if (type === 'topics') return 1
  if (type === 'groups') return 8
  return name === '' ? 3 : 2
}

/** "topics" → "topic": Kafka drops the entity type's trailing s. */
export function singular(type: EntityType): string {
  return type.slice(0, -1)
}

export function describeHeading(type: EntityType, name: string, all: boolean): string {
  if (name === '') return `Default configs for ${type} in the cluster are:`
  return `${all ? 'All' : 'Dynamic'} configs for ${singular(type)} ${name} are:`
}

/** The entries `--describe` shows: the dynamic ones (or all), sorted by name as Kafka sorts them. */
export function shownEntries(entries: readonly DescribedConfigEntry[], type: EntityType, name: string, all: boolean): DescribedConfigEntry[] {
  const source = dynamicSource(type, name)
  return entries.filter((entry) => all || entry.source === source).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

export function describeEntryLine(entry: DescribedConfigEntry): string {
  const synonyms = entry.synonyms.map((synonym) => `${sourceName(synonym.source)}:${synonym.name}=${synonym.value ?? 'null'}`).join(', ')
  const value = entry.sensitive ? null : entry.value
  return `  ${entry.name}=${value ?? 'null'} sensitive=${entry.sensitive} synonyms={${synonyms}}`
}

export function describeLines(type: EntityType, name: string, entries: readonly DescribedConfigEntry[], all: boolean): string[] {
  return [describeHeading(type, name, all), ...shownEntries(entries, type, name, all).map(describeEntryLine)]
}

/** "Completed updating config for topic orders." or the broker-default form. */
export function alterCompletedLine(entity: ConfigEntity): string {
  return entity.name ? `Completed updating config for ${singular(entity.type)} ${entity.name}.` : `Completed updating default config for ${entity.type} in the cluster.`
}

export interface ConfigEntryJson {
  name: string
  value: string | null
  source: string
  sensitive: boolean
  readOnly: boolean
  synonyms: Array<{name: string; value: string | null; source: string}>
}

export interface EntityConfigsJson {
  entityType: EntityType
  /** null for the cluster-wide broker defaults. */
  entityName: string | null
  configs: ConfigEntryJson[]
}

export function entityConfigsJson(type: EntityType, name: string, entries: readonly DescribedConfigEntry[], all: boolean): EntityConfigsJson {
  return {
    entityType: type,
    entityName: name === '' ? null : name,
    configs: shownEntries(entries, type, name, all).map((entry) => ({
      name: entry.name,
      value: entry.sensitive ? null : entry.value,
      source: sourceName(entry.source),
      sensitive: entry.sensitive,
      readOnly: entry.readOnly,
      synonyms: entry.synonyms.map((synonym) => ({name: synonym.name, value: synonym.value, source: sourceName(synonym.source)})),
    })),
  }
}
