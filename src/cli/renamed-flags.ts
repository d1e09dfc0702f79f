/**
 * Kafka 4.2 renamed the client tools' config flags (KIP-1147): --command-property took over from
 * --producer-property, --consumer-property and --producer-props, --command-config from
 * --producer.config and --consumer.config, and --reader-property / --formatter-property from
 * --property. The old names still work, with Kafka's warning (on stderr here: stdout is data);
 * each command refuses an old name together with its successor, as Kafka does.
 */
import {parseKeyValueArgs} from './key-value-args.js'
import {printWarning} from './output.js'

/** Old flag name → the name that replaced it. */
export type FlagRenames = Readonly<Record<string, string>>

export function warnRenamedFlags(flags: object, renames: FlagRenames): void {
  for (const [old, replacement] of Object.entries(renames)) {
    if ((flags as Record<string, unknown>)[old] !== undefined)
      printWarning(`--${old} is deprecated and will be removed in a future version. Use --${replacement} instead.`)
  }
}

/** The key=value pairs of whichever of an old flag and its successor was given (never both). */
export function renamedKeyValues(flags: object, old: string, replacement: string): Map<string, string> {
  const values = flags as Record<string, string[] | undefined>
  return values[old] ? parseKeyValueArgs(values[old], `--${old}`) : parseKeyValueArgs(values[replacement], `--${replacement}`)
}
