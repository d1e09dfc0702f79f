/**
 * Number and date text as Kafka's Java tools print it: java.text.SimpleDateFormat patterns for
 * consumer-perf-test's --date-format (the letters a perf log needs), and Double.toString's
 * "12.0" rather than JavaScript's "12" for end-to-end-latency's progress lines.
 */
import {UsageError} from './errors.js'

/** Kafka's default --date-format. */
export const DEFAULT_DATE_FORMAT = 'yyyy-MM-dd HH:mm:ss:SSS'

type Field = (date: Date, width: number) => string

const pad = (value: number, width: number) => String(value).padStart(width, '0')

const FIELDS: Record<string, Field> = {
  y: (date, width) => (width === 2 ? pad(date.getFullYear() % 100, 2) : pad(date.getFullYear(), width)),
  M: (date, width) => pad(date.getMonth() + 1, width),
  d: (date, width) => pad(date.getDate(), width),
  H: (date, width) => pad(date.getHours(), width),
  h: (date, width) => pad(date.getHours() % 12 || 12, width),
  m: (date, width) => pad(date.getMinutes(), width),
  s: (date, width) => pad(date.getSeconds(), width),
  S: (date, width) => pad(date.getMilliseconds(), width),
  a: (date) => (date.getHours() < 12 ? 'AM' : 'PM'),
}

/**
 * Compiles a SimpleDateFormat pattern into a formatter of epoch milliseconds (local time).
 * Letters kbus does not know are refused rather than printed wrong; 'text' is literal.
 */
export function dateFormatter(pattern: string): (epochMs: number) => string {
  const parts: Array<string | {field: Field; width: number}> = []
  let index = 0
  while (index < pattern.length) {
    const char = pattern[index]
    if (char === "'") {
      const end = pattern.indexOf("'", index + 1)
      if (end < 0) throw new UsageError(`Unterminated quote in date format '${pattern}'.`)
      parts.push(end === index + 1 ? "'" : pattern.slice(index + 1, end))
      index = end + 1
    } else if (/[a-zA-Z]/.test(char)) {
      let width = 1
      while (pattern[index + width] === char) width++
      const field = FIELDS[char]
      if (!field)
        throw new UsageError(`Date format letter '${char}' in '${pattern}' is not supported: use y, M, d, H, h, m, s, S and a.`)
      parts.push({field, width})
      index += width
    } else {
      parts.push(char)
      index++
    }
  }
  return (epochMs) => {
    const date = new Date(epochMs)
    return parts.map((part) => (typeof part === 'string' ? part : part.field(date, part.width))).join('')
  }
}

/** Java's Double.toString for the magnitudes these tools print: always a fraction part. */
export function javaDouble(value: number): string {
  const text = String(value)
  return Number.isInteger(value) ? `${text}.0` : text
}
