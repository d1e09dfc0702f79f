/**
 * kafka-delete-records' `--offset-json-file`:
 * `{"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}`, read with
 * Kafka's checks and messages (version 1 only, no partition twice).
 */
import {readFile} from 'node:fs/promises'
import type {TopicPartitionRef} from '../client/admin.js'
import {CliError} from './errors.js'

export interface OffsetToDeleteBefore extends TopicPartitionRef {
  /** Records before this offset go; -1 means up to the high watermark. */
  offset: number
}

export async function readOffsetJsonFile(path: string): Promise<OffsetToDeleteBefore[]> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    throw new CliError(`Cannot read offset JSON file ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`)
  }
  return parseOffsetJson(text)
}

export function parseOffsetJson(text: string): OffsetToDeleteBefore[] {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw new CliError('The input string is not a valid JSON')
  }
  if (!isObject(document)) throw new CliError('The input string is not a valid JSON object')
  const version = document.version ?? 1
  if (version !== 1) throw new CliError(`Not supported version field value ${JSON.stringify(version)}`)
  if (!('partitions' in document)) throw new CliError('Missing partitions field')
  if (!Array.isArray(document.partitions)) throw new CliError("The 'partitions' field must be an array")
  const entries = document.partitions.map((entry: unknown, index: number) => {
    if (!isObject(entry)) throw new CliError(`partitions[${index}] must be an object with topic, partition and offset`)
    return {
      topic: field(entry, 'topic', index, (value): value is string => typeof value === 'string'),
      partition: field(entry, 'partition', index, isInt32),
      offset: field(entry, 'offset', index, isLong),
    }
  })
  const seen = new Set<string>()
  const duplicates = new Set<string>()
  for (const {topic, partition} of entries) {
    const name = `${topic}-${partition}`
    if (seen.has(name)) duplicates.add(name)
    seen.add(name)
  }
  if (duplicates.size > 0) throw new CliError(`Offset json file contains duplicate topic partitions: ${[...duplicates].join(',')}`)
  return entries
}

function field<T>(entry: Record<string, unknown>, name: string, index: number, valid: (value: unknown) => value is T): T {
  if (!(name in entry)) throw new CliError(`No such field exists: '${name}' (partitions[${index}])`)
  const value = entry[name]
  if (!valid(value)) throw new CliError(`Invalid ${name} ${JSON.stringify(value)} in partitions[${index}]`)
  return value
}

function isLong(value: unknown): value is number {
  return Number.isSafeInteger(value)
}

function isInt32(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= -(2 ** 31) && (value as number) < 2 ** 31
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
