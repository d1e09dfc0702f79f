/**
 * Child processes for the peers: one-shot commands with a deadline, and long-running ones
 * (consumers, group members) whose stdout lines are collected as they arrive.
 */
import {type ResultPromise, execa} from 'execa'

export interface RunResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface RunOptions {
  input?: string
  env?: Record<string, string>
  cwd?: string
  /** Killed (SIGKILL) after this long; every peer command is bounded. */
  timeoutMs?: number
}

export async function run(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await execa(file, args, {
    env: opts.env,
    cwd: opts.cwd,
    ...(opts.input === undefined ? {stdin: 'ignore' as const} : {input: opts.input}),
    timeout: opts.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 256 * 1024 * 1024,
  })
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.timedOut ? 124 : result.exitCode ?? 1,
  }
}

/** Like run, but a non-zero exit is an error carrying the command's own stderr. */
export async function runOk(file: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const result = await run(file, args, opts)
  if (result.exitCode !== 0) throw new CommandFailed(file, args, result)
  return result
}

export class CommandFailed extends Error {
  constructor(file: string, args: readonly string[], readonly result: RunResult) {
    const what = result.exitCode === 124 ? 'timed out' : `exited ${result.exitCode}`
    super(`${shortName(file)} ${args.slice(0, 3).join(' ')}… ${what}: ${lastLines(result.stderr || result.stdout)}`)
  }
}

/** A process that runs until stopped, with its stdout split into lines as they come. */
export class LongRunning {
  readonly lines: string[] = []
  private stderrText = ''
  private readonly child: ResultPromise
  private readonly done: Promise<unknown>
  exited = false

  constructor(file: string, args: readonly string[], opts: {env?: Record<string, string>; cwd?: string; maxLifeMs?: number} = {}) {
    this.child = execa(file, args, {
      env: opts.env,
      cwd: opts.cwd,
      stdin: 'ignore',
      reject: false,
      buffer: false,
      // A member that is never stopped still ends: no peer may outlive its scenario by much.
      timeout: opts.maxLifeMs ?? 180_000,
      killSignal: 'SIGKILL',
    })
    let pending = ''
    this.child.stdout?.setEncoding('utf8')
    this.child.stdout?.on('data', (chunk: string) => {
      pending += chunk
      const parts = pending.split('\n')
      pending = parts.pop() ?? ''
      for (const line of parts) if (line.length > 0) this.lines.push(line)
    })
    this.child.stderr?.setEncoding('utf8')
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrText = (this.stderrText + chunk).slice(-20_000)
    })
    this.done = this.child.then(() => {
      this.exited = true
      if (pending.length > 0) this.lines.push(pending)
    })
  }

  get stderr(): string {
    return this.stderrText
  }

  /** SIGTERM (clients leave their group on it), then SIGKILL if it lingers. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.exited) return
    this.child.kill('SIGTERM')
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs)
    await this.done
    clearTimeout(timer)
  }

  async exit(): Promise<void> {
    await this.done
  }
}

function shortName(file: string): string {
  return file.split('/').pop() ?? file
}

export function lastLines(text: string, count = 4): string {
  return text.trim().split('\n').filter((line) => line.trim().length > 0).slice(-count).join(' | ').slice(0, 600)
}
