/** Is a recorded pid still a running kbus server? Guards against stale files and reused pids. */
import {readFileSync} from 'node:fs'

/** True while the process runs; a zombie (dead, not yet reaped) counts as gone. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
  const stat = readProc(pid, 'stat')
  if (stat === undefined) return true
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
}

/**
 * True when `pid` runs and its command line is a `server start`: a pid recorded by a broker
 * that died may since have been given to an unrelated process. Without /proc (macOS) the
 * liveness check is all there is.
 */
export function isKbusServer(pid: number): boolean {
  if (!isProcessAlive(pid)) return false
  const cmdline = readProc(pid, 'cmdline')
  if (cmdline === undefined) return true
  const args = cmdline.split('\0')
  const server = args.indexOf('server')
  return server >= 0 && args[server + 1] === 'start'
}

function readProc(pid: number, file: string): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/${file}`, 'utf8')
  } catch {
    return undefined
  }
}
