/**
 * Java's `.properties` format, as Kafka reads server.properties and client config files:
 * `#`/`!` comment lines, `key=value`, `key: value` or `key value`, surrounding whitespace
 * trimmed, a trailing backslash continuing the line, and backslash escapes (\t, \n, \uXXXX).
 */
import {readFile} from 'node:fs/promises'
import {ConfigError} from './config-error.js'

export function parseProperties(text: string): Map<string, string> {
  const properties = new Map<string, string>()
  for (const logical of logicalLines(text)) {
    const {key, value} = splitKeyValue(logical)
    properties.set(unescape(key), unescape(value))
  }
  return properties
}

export async function readPropertiesFile(path: string, what = 'properties file'): Promise<Map<string, string>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message
    throw new ConfigError(`Cannot read ${what} ${path}: ${reason}`)
  }
  return parseProperties(text)
}

/** Joins continuation lines and drops blanks and comments. */
function* logicalLines(text: string): Generator<string> {
  let pending: string | undefined
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.replace(/^[ \t\f]+/, '')
    if (pending === undefined && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue
    const joined = (pending ?? '') + line
    if (endsWithContinuation(joined)) {
      pending = joined.slice(0, -1)
      continue
    }
    pending = undefined
    yield joined
  }
  if (pending !== undefined && pending !== '') yield pending
}

/** An odd number of trailing backslashes: the last one escapes the line break. */
function endsWithContinuation(line: string): boolean {
  let count = 0
  for (let index = line.length - 1; index >= 0 && line[index] === '\\'; index--) count++
  return count % 2 === 1
}

function splitKeyValue(line: string): {key: string; value: string} {
  let index = 0
  while (index < line.length) {
    const char = line[index]
    if (char === '\\') {
      index += 2
      continue
    }
    if (char === '=' || char === ':' || char === ' ' || char === '\t' || char === '\f') break
    index++
  }
  const key = line.slice(0, index)
  let rest = line.slice(index).replace(/^[ \t\f]+/, '')
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '')
  // Java keeps trailing spaces in values; Kafka trims them when it parses each config, so do it once here.
  return {key, value: rest.replace(/[ \t\f]+$/, '')}
}

const ESCAPES: Record<string, string> = {t: '\t', n: '\n', r: '\r', f: '\f'}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(Number.parseInt(escaped.slice(1), 16))
    return ESCAPES[escaped] ?? escaped
  })
}
