/**
 * The daemon's logger: one line per event, `[timestamp] LEVEL message`, the way Kafka's log4j
 * pattern prints them, so an operator's grep habits carry over. Broker and storage code take a
 * `Logger` by injection (import it type-only) and never choose where lines go.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface Logger {
  debug(message: string): void
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

const RANK: Record<LogLevel, number> = {debug: 0, info: 1, warn: 2, error: 3}

export interface LineSink {
  write(line: string): unknown
}

export function createLogger(sink: LineSink, opts: {level?: LogLevel; now?: () => Date} = {}): Logger {
  const threshold = RANK[opts.level ?? 'info']
  const now = opts.now ?? (() => new Date())
  const emit = (level: LogLevel) => (message: string) => {
    if (RANK[level] < threshold) return
    sink.write(`[${formatTimestamp(now())}] ${level.toUpperCase()} ${message}\n`)
  }
  return {debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error')}
}

/** A logger that drops everything: for tests and tools that have nowhere to log. */
export const silentLogger: Logger = {debug() {}, info() {}, warn() {}, error() {}}

/** Local time as `2024-09-25 17:34:43,043`, Kafka's log4j default. */
export function formatTimestamp(date: Date): string {
  const pad = (value: number, width = 2) => String(value).padStart(width, '0')
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`
  )
}

export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  const lower = value?.toLowerCase()
  return lower === 'debug' || lower === 'info' || lower === 'warn' || lower === 'error' ? lower : undefined
}
