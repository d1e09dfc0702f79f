/**
 * kafka-consumer-groups --reset-offsets: reading its arguments (`--topic t:0,1`, the datetime
 * and duration forms, the CSV of --from-file) and computing each partition's new offset from
 * the committed offsets and the log bounds, with Kafka's clamping and warnings. Pure: the
 * command looks the numbers up and applies the plan.
 */
import {UsageError} from './errors.js'

export type ResetSpec =
  | {kind: 'earliest'}
  | {kind: 'latest'}
  | {kind: 'current'}
  | {kind: 'offset'; offset: number}
  | {kind: 'shift'; by: number}
  /** --to-datetime and --by-duration both come down to a time in ms. */
  | {kind: 'timestamp'; timestamp: number}
  | {kind: 'file'; path: string}

export interface TopicArg {
  topic: string
  /** Null: every partition of the topic. */
  partitions: number[] | null
}

export interface PlannedOffset {
  group: string
  topic: string
  partition: number
  offset: number
}

/** What is known about one partition when planning its reset. */
export interface PartitionBounds {
  topic: string
  partition: number
  committed: number | null
  earliest: number
  latest: number
  /** For a timestamp reset: the first offset at or after it, -1 when there is none. */
  atTimestamp?: number
}

/** `topic` or `topic:0,1,2`, with Kafka's messages for the malformed ones. */
export function parseTopicArg(arg: string): TopicArg {
  const at = arg.indexOf(':')
  if (at < 0) {
    if (arg.trim() === '') throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
    return {topic: arg.trim(), partitions: null}
  }
  const topic = arg.slice(0, at).trim()
  const list = arg.slice(at + 1)
  if (topic === '' || list.trim() === '') throw new UsageError(`Invalid topic arg '${arg}', expected topic name and partitions`)
  const partitions = list.split(',').map((text) => {
    if (!/^\s*\d+\s*$/.test(text)) throw new UsageError(`Invalid partition '${text}' specified in topic arg '${arg}''`)
    return Number(text)
  })
  return {topic, partitions: [...new Set(partitions)].sort((a, b) => a - b)}
}

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/

/** `YYYY-MM-DDTHH:mm:SS.sss`, UTC unless a zone (`Z`, `+02:00`, `-0500`, `+02`) is given. */
export function parseDateTime(text: string): number {
  const trimmed = text.trim()
  if (!trimmed.includes('T'))
    throw new UsageError(`Error parsing timestamp. It does not contain a 'T' according to ISO8601 format: ${text}`)
  const match = DATETIME.exec(trimmed)
  if (!match) throw new UsageError(`Error parsing timestamp '${text}': expected YYYY-MM-DDTHH:mm:SS.sss, optionally with a zone such as Z or +02:00.`)
  const [, year, month, day, hour, minute, second, millis = '0', zone] = match
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(millis.padEnd(3, '0')))
  const check = new Date(utc)
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59)
    throw new UsageError(`Error parsing timestamp '${text}': not a valid date and time.`)
  return utc - zoneOffsetMs(zone)
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const sign = zone[0] === '-' ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2, 4)) : 0
  return sign * (hours * 60 + minutes) * 60_000
}

const DURATION = /^([+-])?P(?:([+-]?\d+)D)?(?:T(?:([+-]?\d+)H)?(?:([+-]?\d+)M)?(?:([+-]?\d+)(?:[.,](\d{1,9}))?S)?)?$/i

/** An ISO-8601 duration `PnDTnHnMnS` (Java's Duration.parse) in ms. */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text.trim())
  const hasPart = match && match.slice(2, 6).some((part) => part !== undefined)
  if (!match || !hasPart || /T$/i.test(text.trim()))
    throw new UsageError(`Error parsing duration '${text}': expected ISO-8601 PnDTnHnMnS, e.g. PT1H or P1DT2H30M.`)
  const [, sign, days = '0', hours = '0', minutes = '0', seconds = '0', fraction = ''] = match
  const secondsMs = Math.round(Number.parseFloat(`${seconds}.${fraction || '0'}`) * 1000)
  const total = ((Number(days) * 24 + Number(hours)) * 60 + Number(minutes)) * 60_000 + secondsMs
  return sign === '-' ? -total : total
}

/**
 * The CSV --export writes and --from-file reads: `topic,partition,offset`, or with several
 * groups `group,topic,partition,offset`. Blank lines are skipped.
 */
export function parseResetFile(text: string, groups: string[]): PlannedOffset[] {
  const plan: PlannedOffset[] = []
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '') return
    const fields = line.split(',').map((field) => field.trim())
    const where = `line ${index + 1} of the reset file`
    let group: string
    let rest: string[]
    if (fields.length === 3) {
      if (groups.length !== 1) throw new UsageError(`The reset file names no group on ${where}, but ${groups.length} groups are being reset.`)
      group = groups[0]
      rest = fields
    } else if (fields.length === 4) {
      ;[group, ...rest] = fields
    } else throw new UsageError(`Invalid ${where}: '${line}' (expected topic,partition,offset or group,topic,partition,offset).`)
    const [topic, partition, offset] = rest
    if (!/^\d+$/.test(partition) || !/^\d+$/.test(offset)) throw new UsageError(`Invalid ${where}: '${line}' (partition and offset must be numbers).`)
    plan.push({group, topic, partition: Number(partition), offset: Number(offset)})
  })
  return plan
}

/**
 * The new offset of each partition for the spec (not --from-file). Out-of-range targets are
 * clamped to the log bounds with Kafka's warning; `warn` receives the warnings.
 */
export function planReset(group: string, spec: Exclude<ResetSpec, {kind: 'file'}>, partitions: PartitionBounds[], warn: (message: string) => void): PlannedOffset[] {
  return partitions.map((bounds) => {
    const {topic, partition} = bounds
    const planned = (offset: number) => ({group, topic, partition, offset})
    switch (spec.kind) {
      case 'earliest':
        return planned(bounds.earliest)
      case 'latest':
        return planned(bounds.latest)
      case 'current':
        return planned(bounds.committed ?? bounds.latest)
      case 'offset':
        return planned(clamp(spec.offset, bounds, warn))
      case 'shift':
        if (bounds.committed === null)
          throw new UsageError(`Cannot shift offset for partition ${topic}-${partition} since there is no current committed offset`)
        return planned(clamp(bounds.committed + spec.by, bounds, warn))
      case 'timestamp': {
        const found = bounds.atTimestamp ?? -1
        if (found >= 0) return planned(found)
        if (bounds.earliest === bounds.latest) warn(`\nWarn: Partition ${partition} from topic ${topic} is empty. Falling back to latest known offset.`)
        return planned(bounds.latest)
      }
    }
  })
}

function clamp(offset: number, bounds: PartitionBounds, warn: (message: string) => void): number {
  const name = `${bounds.topic}-${bounds.partition}`
  if (offset > bounds.latest) {
    warn(`New offset (${offset}) is higher than latest offset for topic partition ${name}. Value will be set to ${bounds.latest}`)
    return bounds.latest
  }
  if (offset < bounds.earliest) {
    warn(`New offset (${offset}) is lower than earliest offset for topic partition ${name}. Value will be set to ${bounds.earliest}`)
    return bounds.earliest
  }
  return offset
}
