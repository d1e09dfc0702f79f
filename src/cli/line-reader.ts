/**
 * The console producer's input: stdin split into lines, each line turned into a record the way
 * Kafka's LineMessageReader does (`--property parse.key=true key.separator=: parse.headers=true
 * …`). Lines stay bytes end to end: separators are found with Buffer.indexOf (safe for UTF-8,
 * which never puts an ASCII byte inside a multi-byte character) and values are slices of the
 * input, so a million piped lines cost no string round trips.
 */
import type {RecordHeader} from '../client/types.js'
import {booleanProperty} from './key-value-args.js'
import {UsageError} from './errors.js'

const LF = 0x0a
const CR = 0x0d

/** Splits a byte stream into lines on `\n` (dropping a `\r` before it), across chunk borders. */
export class LineSplitter {
  private pending: Buffer | undefined

  /** Calls `onLine` for every complete line in `chunk`. */
  push(chunk: Buffer, onLine: (line: Buffer) => void): void {
    let start = 0
    let end = chunk.indexOf(LF, start)
    if (end !== -1 && this.pending) {
      const first = Buffer.concat([this.pending, chunk.subarray(0, end)])
      this.pending = undefined
      onLine(withoutCarriageReturn(first))
      start = end + 1
      end = chunk.indexOf(LF, start)
    }
    while (end !== -1) {
      onLine(withoutCarriageReturn(chunk.subarray(start, end)))
      start = end + 1
      end = chunk.indexOf(LF, start)
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start)
      this.pending = this.pending ? Buffer.concat([this.pending, rest]) : rest
    }
  }

  /** End of input: a last line without a newline still counts, an empty tail does not. */
  end(onLine: (line: Buffer) => void): void {
    const rest = this.pending
    this.pending = undefined
    if (rest && rest.length > 0) onLine(withoutCarriageReturn(rest))
  }
}

function withoutCarriageReturn(line: Buffer): Buffer {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line
}

/** A line that does not fit the configured format (Kafka's KafkaException from the reader). */
export class LineFormatError extends Error {
  override name = 'LineFormatError'
}

export interface ParsedLine {
  key: Buffer | null
  value: Buffer | null
  headers: RecordHeader[] | undefined
}

/** Kafka's LineMessageReader, configured from `--property` values. */
export class LineMessageReader {
  private readonly parseKey: boolean
  private readonly parseHeaders: boolean
  private readonly ignoreError: boolean
  private readonly keySeparator: Buffer
  private readonly headersDelimiter: Buffer
  private readonly headersSeparator: RegExp
  private readonly headersKeySeparator: string
  private readonly nullMarker: Buffer | undefined

  constructor(properties: ReadonlyMap<string, string> = new Map()) {
    this.parseKey = booleanProperty(properties, 'parse.key')
    this.parseHeaders = booleanProperty(properties, 'parse.headers')
    this.ignoreError = booleanProperty(properties, 'ignore.error')
    const keySeparator = properties.get('key.separator') ?? '\t'
    const headersDelimiter = properties.get('headers.delimiter') ?? '\t'
    const headersSeparator = properties.get('headers.separator') ?? ','
    const headersKeySeparator = properties.get('headers.key.separator') ?? ':'
    const nullMarker = properties.get('null.marker')
    checkDistinct(this.parseHeaders, nullMarker, {
      'key.separator': keySeparator,
      'headers.delimiter': headersDelimiter,
      'headers.separator': headersSeparator,
      'headers.key.separator': headersKeySeparator,
    })
    this.keySeparator = Buffer.from(keySeparator, 'utf8')
    this.headersDelimiter = Buffer.from(headersDelimiter, 'utf8')
    // Kafka compiles headers.separator as a regular expression (Pattern.split).
    try {
      this.headersSeparator = new RegExp(headersSeparator, 'u')
    } catch {
      throw new UsageError(`Invalid headers.separator '${headersSeparator}': not a valid regular expression.`)
    }
    this.headersKeySeparator = headersKeySeparator
    this.nullMarker = nullMarker === undefined ? undefined : Buffer.from(nullMarker, 'utf8')
  }

  /** Parses one line (numbered from 1, for error messages): headers first, then key, then value. */
  parse(line: Buffer, lineNumber: number): ParsedLine {
    let offset = 0
    let headers: RecordHeader[] | undefined
    if (this.parseHeaders) {
      const end = this.find(line, 0, this.headersDelimiter, 'headers delimiter', lineNumber)
      if (end !== -1) {
        const block = line.subarray(0, end)
        if (!this.isNullMarker(block)) headers = this.splitHeaders(block.toString('utf8'), lineNumber)
        offset = end + this.headersDelimiter.length
      }
    }
    let key: Buffer | null = null
    if (this.parseKey) {
      const end = this.find(line, offset, this.keySeparator, 'key separator', lineNumber)
      if (end !== -1) {
        key = this.orNull(line.subarray(offset, end))
        offset = end + this.keySeparator.length
      }
    }
    return {key, value: this.orNull(offset === 0 ? line : line.subarray(offset)), headers}
  }

  /** The index of `separator` at or after `from`, or -1 when ignore.error lets a missing one pass. */
  private find(line: Buffer, from: number, separator: Buffer, what: string, lineNumber: number): number {
    const index = line.indexOf(separator, from)
    if (index === -1 && !this.ignoreError)
      throw new LineFormatError(`No ${what} found on line number ${lineNumber}: '${line.toString('utf8')}'`)
    return index
  }

  private splitHeaders(block: string, lineNumber: number): RecordHeader[] {
    const pairs = block.split(this.headersSeparator)
    // Java's String.split drops trailing empty strings (but keeps a lone empty input).
    while (pairs.length > 1 && pairs[pairs.length - 1] === '') pairs.pop()
    return pairs.map((pair) => {
      const at = pair.indexOf(this.headersKeySeparator)
      if (at === -1) {
        if (this.ignoreError) return {key: pair, value: null}
        throw new LineFormatError(`No header key separator found in pair '${pair}' on line number ${lineNumber}`)
      }
      const key = pair.slice(0, at)
      const marker = this.nullMarker?.toString('utf8')
      if (key === marker)
        throw new LineFormatError(`Header keys should not be equal to the null marker '${marker}' as they can't be null`)
      const value = pair.slice(at + this.headersKeySeparator.length)
      return {key, value: value === marker ? null : Buffer.from(value, 'utf8')}
    })
  }

  private isNullMarker(bytes: Buffer): boolean {
    return this.nullMarker !== undefined && this.nullMarker.equals(bytes)
  }

  private orNull(bytes: Buffer): Buffer | null {
    return this.isNullMarker(bytes) ? null : bytes
  }
}

/** Kafka's configuration checks: separators that could be confused with each other are refused. */
function checkDistinct(parseHeaders: boolean, nullMarker: string | undefined, separators: Record<string, string>): void {
  const clash = (a: string, b: string) => {
    throw new UsageError(`${a} and ${b} may not be equal`)
  }
  if (parseHeaders) {
    const headerNames = ['headers.delimiter', 'headers.separator', 'headers.key.separator']
    for (let i = 0; i < headerNames.length; i++)
      for (let j = i + 1; j < headerNames.length; j++)
        if (separators[headerNames[i]] === separators[headerNames[j]]) clash(headerNames[i], headerNames[j])
  }
  if (nullMarker !== undefined)
    for (const [name, value] of Object.entries(separators)) if (value === nullMarker) clash('null.marker', name)
}
