/**
 * How commands write: data to stdout, everything else to stderr; colour decided once from the
 * TTY and NO_COLOR/FORCE_COLOR (chalk alone ignores NO_COLOR, cli-table3 colours pipes); tables
 * for people at a terminal, plain aligned columns for pipes so grep and awk keep working.
 */
import {createRequire} from 'node:module'
import type CliTable3 from 'cli-table3'

type Stream = 'stdout' | 'stderr'
type ChalkModule = typeof import('chalk')

let chalk: ChalkModule | undefined

/**
 * Loads chalk when some stream could be coloured: a terminal, FORCE_COLOR, a --color flag or a
 * CI that chalk colours anyway (Azure Pipelines). Pipes, where chalk would pick level 0, never pay
 * for loading it (a few ms of every scripted command). Call before the first paint.
 */
export async function prepareColour(): Promise<void> {
  if (chalk === undefined && mayBeColoured()) chalk = await import('chalk')
}

function mayBeColoured(): boolean {
  const {env} = process
  return (
    process.stdout.isTTY === true ||
    process.stderr.isTTY === true ||
    env.FORCE_COLOR !== undefined ||
    (env.TF_BUILD !== undefined && env.AGENT_NAME !== undefined) ||
    process.argv.some((arg) => arg.startsWith('--color'))
  )
}

const levels = new Map<Stream, 0 | 1 | 2 | 3>()

/** The colour level for a stream: 0 when NO_COLOR is set or the stream is not a terminal. */
export function colorLevel(stream: Stream): 0 | 1 | 2 | 3 {
  let level = levels.get(stream)
  if (level === undefined) {
    level = decideColorLevel(stream)
    levels.set(stream, level)
  }
  return level
}

function decideColorLevel(stream: Stream): 0 | 1 | 2 | 3 {
  if (chalk === undefined) return 0
  const detected = stream === 'stdout' ? chalk.supportsColor : chalk.supportsColorStderr
  // FORCE_COLOR is the more specific request, so it wins over NO_COLOR; chalk already reads it.
  const forced = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0'
  if (process.env.NO_COLOR && !forced) return 0
  return detected ? detected.level : 0
}

/** What the stderr labels need from chalk; without colour each gives the text back unchanged. */
interface Painter {
  red(text: string): string
  yellow(text: string): string
  dim(text: string): string
}

const unchanged = (text: string) => text
const plain: Painter = {red: unchanged, yellow: unchanged, dim: unchanged}
const painters = new Map<Stream, Painter>()

/** A painter for the stream, honouring the central colour decision. */
export function paint(stream: Stream): Painter {
  let painter = painters.get(stream)
  if (!painter) {
    const level = colorLevel(stream)
    painter = chalk === undefined || level === 0 ? plain : new chalk.Chalk({level})
    painters.set(stream, painter)
  }
  return painter
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}

export function printLine(line = ''): void {
  process.stdout.write(`${line}\n`)
}

/** A line for the person at the terminal (progress, notes): never on stdout. */
export function printNote(message: string): void {
  process.stderr.write(`${message}\n`)
}

export function printWarning(message: string): void {
  process.stderr.write(`${paint('stderr').yellow('Warning:')} ${message}\n`)
}

export function printError(message: string, hint?: string): void {
  const colour = paint('stderr')
  process.stderr.write(`${colour.red('Error:')} ${message}\n`)
  if (hint) process.stderr.write(`${colour.dim(hint)}\n`)
}

export type Cell = string | number | boolean | null | undefined

/**
 * Renders rows under a header: a cli-table3 table when stdout is a terminal, otherwise columns
 * padded with spaces (no borders, no colour) that scripts can split on whitespace.
 */
export function renderTable(head: string[], rows: Cell[][], opts: {tty?: boolean} = {}): string {
  const tty = opts.tty ?? process.stdout.isTTY === true
  if (!tty) return alignColumns([head, ...rows])
  // Loaded only when a person is looking: pipes and --json never pay for it.
  const Table = createRequire(import.meta.url)('cli-table3') as typeof CliTable3
  const colour = colorLevel('stdout') > 0
  const table = new Table({
    head,
    style: colour ? {head: ['cyan'], border: ['grey']} : {head: [], border: []},
  })
  for (const row of rows) table.push(row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))
  return table.toString()
}

export function alignColumns(rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '' : String(cell))))
  const widths: number[] = []
  for (const row of text) row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)))
  return text
    .map((row) => row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]))).join('  '))
    .join('\n')
}

let brokenPipeHandled = false

/** `kbus … | head` closes our stdout early: that is the reader's choice, not an error. */
export function exitQuietlyOnBrokenPipe(): void {
  if (brokenPipeHandled) return
  brokenPipeHandled = true
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
    throw error
  })
}
