/**
 * Starts a real kbus daemon (`kbus server start --daemon --port 0`) in a temp KBUS_HOME and
 * gives tests its address plus the crash and restart handles they need.
 */
import {readFileSync} from 'node:fs'
import {rm} from 'node:fs/promises'
import {kbus, makeTempHome} from './kbus.js'
import {waitFor} from './wait-for.js'

export interface Daemon {
  home: string
  port: number
  /** "127.0.0.1:port": the TCP listener, for --bootstrap-server and outside clients. */
  bootstrap: string
  /** Environment for commands that should reach this daemon (KBUS_HOME). */
  env: Record<string, string>
  pid: number
  stop(): Promise<void>
  /** SIGKILL: no clean shutdown, the pid file and socket stay behind. */
  kill9(): Promise<void>
  /** Stops (if running) and starts again on the same home and port. */
  restart(): Promise<void>
  /** Stops (if running) and deletes the temp home. */
  remove(): Promise<void>
}

export interface StartDaemonOptions {
  /** `key=value` broker configs, each passed as --override. */
  overrides?: string[]
  home?: string
  /** Extra `kbus server start` arguments. */
  args?: string[]
}

const running = new Set<number>()
let exitHookInstalled = false

function track(pid: number): void {
  // A failed test must not leave daemons behind: kill what this worker started when it exits.
  if (!exitHookInstalled) process.once('exit', killLeftovers)
  exitHookInstalled = true
  running.add(pid)
}

function killLeftovers(): void {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
}

export async function startDaemon(opts: StartDaemonOptions = {}): Promise<Daemon> {
  const home = opts.home ?? makeTempHome()
  const ownsHome = opts.home === undefined
  const startArgs = (port: number) => [
    'server', 'start', '--daemon', '--port', String(port),
    ...(opts.overrides ?? []).flatMap((override) => ['--override', override]),
    ...(opts.args ?? []),
  ]

  const launch = async (port: number) => {
    const result = await kbus(startArgs(port), {home})
    if (result.exitCode !== 0)
      throw new Error(`kbus server start failed (exit ${result.exitCode}):\n${result.stderr}${result.stdout}`)
    const pid = Number(/\(pid (\d+)\)/.exec(result.stdout)?.[1])
    const bound = Number(/127\.0\.0\.1:(\d+)/.exec(result.stdout)?.[1])
    if (!pid || !bound) throw new Error(`Unexpected kbus server start output:\n${result.stdout}`)
    track(pid)
    return {pid, port: bound}
  }

  const first = await launch(0)
  const daemon: Daemon = {
    home,
    port: first.port,
    bootstrap: `127.0.0.1:${first.port}`,
    env: {KBUS_HOME: home},
    pid: first.pid,
    async stop() {
      if (!isAlive(daemon.pid)) return
      const result = await kbus(['server', 'stop'], {home})
      if (result.exitCode !== 0) throw new Error(`kbus server stop failed (exit ${result.exitCode}):\n${result.stderr}`)
      await waitFor(() => !isAlive(daemon.pid), {what: `pid ${daemon.pid} to exit`})
      running.delete(daemon.pid)
    },
    async kill9() {
      if (!isAlive(daemon.pid)) return
      process.kill(daemon.pid, 'SIGKILL')
      await waitFor(() => !isAlive(daemon.pid), {what: `pid ${daemon.pid} to die`})
      running.delete(daemon.pid)
    },
    async restart() {
      await daemon.stop()
      const next = await launch(daemon.port)
      daemon.pid = next.pid
    },
    async remove() {
      await daemon.stop()
      if (ownsHome) await rm(home, {recursive: true, force: true})
    },
  }
  return daemon
}

/** True while the process runs; a zombie (killed, not yet reaped by init) counts as gone. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return true // no /proc (macOS): the signal probe is all there is
  }
}
