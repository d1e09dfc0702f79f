/**
 * `kbus server start --daemon`: runs the foreground server as a detached child with its output
 * in server.log, then waits (like pg_ctl -w) until both listeners accept before reporting, or
 * shows the end of the log when the child gives up.
 */
import {spawn} from 'node:child_process'
import {watch, type FSWatcher} from 'node:fs'
import {mkdir, open, readFile, stat} from 'node:fs/promises'
import {connect} from 'node:net'
import type {KbusPaths} from '../config/paths.js'
import {isKbusServer} from './process-check.js'
import {readRecord, type ServerRecord} from './state-file.js'
import {AlreadyRunning} from './instance-lock.js'

export class BackgroundStartFailed extends Error {
  override readonly name = 'BackgroundStartFailed'

  /** `log` is what this start wrote to server.log, the evidence for the user. */
  constructor(message: string, readonly log: string) {
    super(message)
  }
}

export interface BackgroundStart {
  /** The script the child runs (bin/daemon.js). */
  entry: string
  /** The child's arguments, from childArgs(). */
  args: string[]
  paths: KbusPaths
  timeoutMs?: number
}

/** Without file-change events (some file systems have none) the wait polls this often. */
const POLL_MS = 20
const LOG_TAIL_LINES = 20

export interface BackgroundStarted {
  record: ServerRecord
  /** Warnings the broker logged while starting (stale files removed, unknown configs), for the user to see. */
  warnings: string[]
}

export async function startInBackground(options: BackgroundStart): Promise<BackgroundStarted> {
  const {paths} = options
  const existing = await readRecord(paths.pidFile)
  if (existing && isKbusServer(existing.pid))
    throw new AlreadyRunning(`Another kbus broker (pid ${existing.pid}) is running on KBUS_HOME=${paths.home}`)

  await mkdir(paths.home, {recursive: true, mode: 0o700})
  // The child says it is ready by renaming its pid file into place: react to that at once.
  const wakeup = new Wakeup(paths.home)
  try {
    return await spawnAndWait(options, wakeup)
  } finally {
    wakeup.close()
  }
}

async function spawnAndWait(options: BackgroundStart, wakeup: Wakeup): Promise<BackgroundStarted> {
  const {paths} = options
  const log = await open(paths.logFile, 'a', 0o600)
  const logStart = (await log.stat()).size
  let exit: {code: number | null; signal: NodeJS.Signals | null} | undefined
  let child
  try {
    child = spawn(process.execPath, [options.entry, ...options.args], {
      detached: true,
      stdio: ['ignore', log.fd, log.fd],
      env: process.env,
    })
  } finally {
    await log.close()
  }
  child.once('exit', (code, signal) => {
    exit = {code, signal}
    wakeup.notify()
  })
  child.unref()
  const pid = child.pid
  if (pid === undefined) throw new BackgroundStartFailed('Could not spawn the kbus server process', '')

  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  while (Date.now() < deadline) {
    if (exit) {
      const log = await logTail(paths.logFile, logStart)
      // The child reports a refused start as one "Error: …" line; that line is the reason.
      const reason = log.split('\n').reverse().find((line) => line.startsWith('Error: '))
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
      throw new BackgroundStartFailed(reason ? reason.slice('Error: '.length) : `kbus server ${how} while starting`, log)
    }
    const record = await readRecord(paths.pidFile)
    if (record?.pid === pid && record.ready && (await listenersAccept(record))) {
      const logged = await logTail(paths.logFile, logStart, Number.MAX_SAFE_INTEGER)
      const warnings = logged.split('\n').filter((line) => / WARN /.test(line)).map((line) => line.replace(/^\[[^\]]*\] WARN /, ''))
      return {record, warnings}
    }
    await wakeup.wait(POLL_MS)
  }
  throw new BackgroundStartFailed(
    `kbus server (pid ${pid}) is not ready after ${Math.round((options.timeoutMs ?? 10_000) / 1000)} s; ` +
      `it may still be recovering its logs (see ${paths.logFile})`,
    await logTail(paths.logFile, logStart),
  )
}

/** Ends a wait early when a file in the home changes or the child exits; a change between waits is kept. */
class Wakeup {
  private readonly watcher: FSWatcher | undefined
  private pending = false
  private wake: (() => void) | undefined

  constructor(dir: string) {
    try {
      this.watcher = watch(dir, () => this.notify())
      this.watcher.on('error', () => this.watcher?.close())
    } catch {
      // No change events here (inotify limits, some network file systems): polling alone.
    }
  }

  notify(): void {
    if (this.wake) this.wake()
    else this.pending = true
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wake = done
    })
  }

  close(): void {
    this.watcher?.close()
  }
}

async function listenersAccept(record: ServerRecord): Promise<boolean> {
  const targets = [
    ...record.listeners.map(({host, port}) => ({host: host === '' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host, port})),
    {path: record.socketPath},
  ]
  const results = await Promise.all(targets.map((target) => accepts(target)))
  return results.every(Boolean)
}

function accepts(target: {host: string; port: number} | {path: string}): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(target)
    const finish = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1_000, () => finish(false))
    socket.once('connect', () => finish(true))
    socket.once('error', () => finish(false))
  })
}

/** The last lines this start wrote to the log (older runs' lines are not shown). */
export async function logTail(path: string, from = 0, lines = LOG_TAIL_LINES): Promise<string> {
  try {
    const size = (await stat(path)).size
    const text = (await readFile(path)).subarray(from <= size ? from : 0).toString('utf8')
    return text.trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log output)'
  }
}
