/**
 * Every failure a command can meet, mapped once to what the user reads (one line on stderr, a
 * hint when there is something to do) and to the exit code: 0 ok, 1 failure, 2 usage.
 */
export const ExitCode = {ok: 0, failure: 1, usage: 2} as const

/** A failure the user can act on; the message says what failed, the hint what to do. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: number
  readonly hint?: string

  constructor(message: string, opts: {exitCode?: number; hint?: string} = {}) {
    super(message)
    this.exitCode = opts.exitCode ?? ExitCode.failure
    this.hint = opts.hint
  }
}

/** The command line itself is wrong (a missing or conflicting flag): exit 2. */
export class UsageError extends CliError {
  override name = 'UsageError'

  constructor(message: string, hint?: string) {
    super(message, {exitCode: ExitCode.usage, hint})
  }
}

/** Nothing answers on the local socket: no `kbus server` is running for this KBUS_HOME. */
export class DaemonNotRunning extends CliError {
  override name = 'DaemonNotRunning'

  constructor(readonly socketPath: string) {
    super(`No kbus broker is running at ${socketPath}.`, {
      hint: 'Start one with `kbus server start` or pass --bootstrap-server host:port.',
    })
  }
}

export interface ErrorReport {
  message: string
  hint?: string
  exitCode: number
  /** Kafka's numeric error code or Node's/oclif's string code, for --json. */
  code?: number | string
  /** A programming error rather than a user's: worth a stack trace under KBUS_DEBUG. */
  unexpected: boolean
}

/**
 * Kafka error codes with advice a user can follow; the message itself comes from the broker, and
 * some advice is read from it (the same words come from a kbus broker and from Apache Kafka).
 */
const KAFKA_HINTS: Record<number, string | ((message: string) => string)> = {
  3: 'List the topics with `kbus topics --list`, or create it with `kbus topics --create --topic <name>`.',
  7: 'The broker did not answer in time; check that it is healthy (`kbus server status`).',
  17: 'Topic names use only ASCII letters, digits, ".", "_" and "-", at most 249 characters.',
  35: 'The broker does not support this request version.',
  36: 'Pass --if-not-exists to make creating an existing topic a no-op.',
  37: 'The partition count must be at least 1, and can only grow.',
  38: replicationFactorHint,
  40: 'Run `kbus configs --describe --all` on the entity to see every config name and its current value.',
  73: 'The broker has delete.topic.enable=false.',
}

/** INVALID_REPLICATION_FACTOR: "…cannot be reached because only 3 broker(s) are registered…" → at most 3. */
function replicationFactorHint(message: string): string {
  const brokers = /only (\d+) broker\(s\)/.exec(message)?.[1]
  if (brokers === undefined) return 'Choose a --replication-factor between 1 and the number of brokers in the cluster.'
  return brokers === '1'
    ? 'The cluster has a single broker: use --replication-factor 1.'
    : `The cluster has ${brokers} brokers: use a --replication-factor of ${brokers} or less.`
}

export function describeError(error: unknown): ErrorReport {
  if (error instanceof CliError) return {message: error.message, hint: error.hint, exitCode: error.exitCode, unexpected: false}
  if (isKafkaError(error)) {
    const hint = KAFKA_HINTS[error.code]
    return {
      message: error.message,
      hint: typeof hint === 'function' ? hint(error.message) : hint,
      exitCode: ExitCode.failure,
      code: error.code,
      unexpected: false,
    }
  }
  if (isOclifError(error)) {
    const usage = 'parse' in error
    return {
      message: oneLine(error.message),
      hint: usage || error.message.includes('--help') ? 'See more help with --help.' : undefined,
      exitCode: usage ? ExitCode.usage : (error.oclif.exit ?? ExitCode.failure),
      code: typeof error.code === 'string' ? error.code : undefined,
      unexpected: false,
    }
  }
  const network = describeNetworkError(error)
  if (network) return network
  const message = (error instanceof Error ? error.message : String(error)) || 'kbus failed without a message'
  if (isProgrammingError(error))
    return {
      message,
      hint: 'This looks like a bug in kbus; rerun with KBUS_DEBUG=1 for the stack trace.',
      exitCode: ExitCode.failure,
      unexpected: true,
    }
  // A typed error from a lower layer (config, storage, client): its message is written for users.
  const code = (error as {code?: unknown}).code
  return {message, exitCode: ExitCode.failure, code: typeof code === 'string' ? code : undefined, unexpected: false}
}

/**
 * oclif words some parse errors over several lines ("The following error occurred:" then the
 * problem); a user's mistake gets one line naming it.
 */
function oneLine(message: string): string {
  const lines = message
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !/^The following errors? occurred:$|^See more help with --help/.test(line))
  return lines.map((line, i) => (i < lines.length - 1 && !/[.:]$/.test(line) ? `${line}:` : line)).join(' ')
}

/** JavaScript's own errors mean kbus itself went wrong, whatever the input. */
function isProgrammingError(error: unknown): boolean {
  return (
    !(error instanceof Error) ||
    error instanceof TypeError ||
    error instanceof ReferenceError ||
    error instanceof RangeError ||
    error instanceof SyntaxError
  )
}

interface SystemError extends Error {
  code: string
  address?: string
  port?: number
  hostname?: string
}

function describeNetworkError(error: unknown): ErrorReport | undefined {
  if (!(error instanceof Error) || typeof (error as SystemError).code !== 'string') return undefined
  const {code, address, port, hostname} = error as SystemError
  const report = (message: string, hint: string): ErrorReport => ({message, hint, exitCode: ExitCode.failure, code, unexpected: false})
  if ((code === 'ENOENT' || code === 'ECONNREFUSED') && address?.startsWith('/')) {
    const notRunning = new DaemonNotRunning(address)
    return report(notRunning.message, notRunning.hint!)
  }
  const target = port === undefined ? address : `${address}:${port}`
  switch (code) {
    case 'ECONNREFUSED':
      return report(`Connection to ${target} refused.`, 'Check --bootstrap-server, or start a local broker with `kbus server start`.')
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return report(`Cannot resolve host ${hostname ?? target}.`, 'Check the host name in --bootstrap-server.')
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return report(`Cannot reach ${target ?? 'the broker'} (${code}).`, 'Check --bootstrap-server and the network.')
    case 'ECONNRESET':
    case 'EPIPE':
      return report(`The broker closed the connection (${code}).`, 'Check the broker log (`kbus server status` shows where it is).')
    case 'EACCES':
    case 'EPERM':
    case 'ENOENT':
    case 'EROFS':
    case 'ENOSPC':
      return report(error.message, 'Check the path and its permissions.')
    default:
      return undefined
  }
}

/** Structural on purpose: the CLI must not load the protocol tables just to print an error. */
function isKafkaError(error: unknown): error is Error & {code: number} {
  return error instanceof Error && typeof (error as {code?: unknown}).code === 'number'
}

function isOclifError(error: unknown): error is Error & {oclif: {exit?: number}; code?: unknown} {
  return error instanceof Error && typeof (error as {oclif?: unknown}).oclif === 'object'
}
