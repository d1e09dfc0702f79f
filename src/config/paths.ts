/**
 * Where a kbus installation keeps its files. Everything hangs off KBUS_HOME (default ~/.kbus) so
 * tests and CI jobs get an isolated broker by setting one variable. The CLI reads this for its
 * default socket on every command, so it stays free of heavy imports.
 */
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {ConfigError} from './config-error.js'

export interface KbusPaths {
  home: string
  socketPath: string
  pidFile: string
  logFile: string
  dataDir: string
}

/**
 * Linux silently truncates a Unix socket path past 108 bytes (macOS: 104), so a longer path would
 * bind or connect somewhere else. Stay safely below both.
 */
export const MAX_SOCKET_PATH_BYTES = 100

export function kbusPaths(env: NodeJS.ProcessEnv = process.env): KbusPaths {
  const home = resolve(env.KBUS_HOME || join(homedir(), '.kbus'))
  const socketPath = join(home, 'kbus.sock')
  const length = Buffer.byteLength(socketPath)
  if (length > MAX_SOCKET_PATH_BYTES)
    throw new ConfigError(
      `The socket path ${socketPath} is ${length} bytes, over the ${MAX_SOCKET_PATH_BYTES}-byte limit for Unix sockets. ` +
        `Set KBUS_HOME to a shorter directory (it is ${home}).`,
    )
  return {
    home,
    socketPath,
    pidFile: join(home, 'kbus.pid'),
    logFile: join(home, 'server.log'),
    dataDir: join(home, 'data'),
  }
}
