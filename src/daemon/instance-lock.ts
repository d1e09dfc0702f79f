/**
 * One broker per KBUS_HOME. The pid file is the lock; a pid file or socket left by a broker
 * that died (kill -9, power loss) is recognised as stale and removed with a note, never trusted:
 * a live broker is refused by pid, and a socket that still answers is never unlinked.
 */
import {connect} from 'node:net'
import {rm, stat} from 'node:fs/promises'
import type {KbusPaths} from '../config/paths.js'
import type {Logger} from './logger.js'
import {isKbusServer} from './process-check.js'
import {createRecord, readRecord, type ServerRecord} from './state-file.js'

export class AlreadyRunning extends Error {
  override readonly name = 'AlreadyRunning'
}

/** Takes the lock for this process by writing its record; throws AlreadyRunning if another broker holds it. */
export async function acquireInstanceLock(paths: KbusPaths, record: ServerRecord, logger: Logger): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    if (await createRecord(paths.pidFile, record)) break
    const existing = await readRecord(paths.pidFile)
    if (existing && isKbusServer(existing.pid))
      throw new AlreadyRunning(`Another kbus broker (pid ${existing.pid}) is running on KBUS_HOME=${paths.home}`)
    if (attempt >= 2) throw new Error(`Cannot take the lock ${paths.pidFile}: it keeps reappearing`)
    logger.warn(
      existing
        ? `Removing stale pid file ${paths.pidFile}: pid ${existing.pid} is no longer a running kbus broker`
        : `Removing unreadable pid file ${paths.pidFile}`,
    )
    await removeIfStill(paths.pidFile, existing?.pid)
  }
  try {
    await clearStaleSocket(paths.socketPath, logger)
  } catch (error) {
    await rm(paths.pidFile, {force: true})
    throw error
  }
}

/** Removes our pid file, and only ours: a successor may already have taken the lock. */
export async function releaseInstanceLock(paths: KbusPaths): Promise<void> {
  const record = await readRecord(paths.pidFile).catch(() => undefined)
  if (record?.pid === process.pid) await rm(paths.pidFile, {force: true})
}

/** Re-reads before deleting so a racing start that just wrote its own record keeps it. */
async function removeIfStill(path: string, stalePid: number | undefined): Promise<void> {
  const current = await readRecord(path)
  if (current !== undefined && current.pid !== stalePid) return
  await rm(path, {force: true})
}

async function clearStaleSocket(socketPath: string, logger: Logger): Promise<void> {
  try {
    await stat(socketPath)
  } catch {
    return
  }
  if (await socketAnswers(socketPath))
    throw new AlreadyRunning(`A kbus broker is answering on ${socketPath} although no pid file names it; stop it before starting another`)
  logger.warn(`Removing stale socket ${socketPath} left by a broker that did not stop cleanly`)
  await rm(socketPath, {force: true})
}

/**
 * Only a refused connection proves a socket file is dead (what SIGKILL leaves behind); a slow
 * or odd answer is treated as alive, since unlinking a live broker's socket would orphan it.
 */
export function socketAnswers(path: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(path)
    const finish = (answered: boolean) => {
      socket.destroy()
      resolve(answered)
    }
    socket.setTimeout(timeoutMs, () => finish(true))
    socket.once('connect', () => finish(true))
    socket.once('error', (error: NodeJS.ErrnoException) => finish(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'))
  })
}
