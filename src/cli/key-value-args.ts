/**
 * Kafka's `--property k=v`, `--producer-property k=v`, `--config k=v` arguments: split at the
 * first `=`, so values may contain `=` themselves; a later repeat of a key wins, as in Kafka.
 */
import {UsageError} from './errors.js'

export function parseKeyValueArgs(args: readonly string[] | undefined, flag: string): Map<string, string> {
  const parsed = new Map<string, string>()
  for (const arg of args ?? []) {
    const at = arg.indexOf('=')
    if (at <= 0) throw new UsageError(`Invalid ${flag} '${arg}': expected key=value.`)
    parsed.set(arg.slice(0, at).trim(), arg.slice(at + 1))
  }
  return parsed
}

/** Kafka's boolean properties: true only for the text `true`, any case, trimmed. */
export function booleanProperty(properties: ReadonlyMap<string, string>, key: string, fallback = false): boolean {
  const value = properties.get(key)
  return value === undefined ? fallback : value.trim().toLowerCase() === 'true'
}
