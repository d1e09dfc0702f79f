/**
 * Reads numeric Kafka client properties with Kafka's ConfigDef wording when a value is wrong:
 * `Invalid value abc for configuration linger.ms: Not a number of type LONG`.
 */
import {UsageError} from './errors.js'

export function integerProperty(properties: ReadonlyMap<string, string>, name: string, opts: {min?: number; max?: number} = {}): number | undefined {
  const text = properties.get(name)
  if (text === undefined) return undefined
  const value = Number(text.trim())
  if (text.trim() === '' || !Number.isInteger(value))
    throw new UsageError(`Invalid value ${text} for configuration ${name}: Not a number of type LONG`)
  if (opts.min !== undefined && value < opts.min)
    throw new UsageError(`Invalid value ${text} for configuration ${name}: Value must be at least ${opts.min}`)
  if (opts.max !== undefined && value > opts.max)
    throw new UsageError(`Invalid value ${text} for configuration ${name}: Value must be no more than ${opts.max}`)
  return value
}

export function positiveInteger(properties: ReadonlyMap<string, string>, name: string): number | undefined {
  return integerProperty(properties, name, {min: 1})
}
