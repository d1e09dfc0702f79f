/**
 * The pid file is the single-instance lock and the server's record: created atomically (a
 * complete temp file hard-linked into place, so a racing start sees either nothing or the whole
 * record), rewritten atomically once the listeners are bound, removed on a clean stop.
 * `server status` and `server stop` read it; a stats file next to it carries the counts.
 */
import {randomBytes} from 'node:crypto'
import {link, mkdir, readFile, rename, rm, writeFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'

export interface ServerRecord {
  pid: number
  startedAt: string
  version: string
  home: string
  socketPath: string
  dataDir: string
  logFile: string
  /** Bound TCP listeners (real ports); empty until the broker is ready. */
  listeners: {name: string; host: string; port: number}[]
  ready: boolean
}

export interface ServerStats {
  writtenAt: string
  topics: number
  partitions: number
  bytesOnDisk: number
  connections: number
}

/** Creates the pid file, or returns false when one already exists. */
export async function createRecord(path: string, record: ServerRecord): Promise<boolean> {
  const temp = await writeTemp(path, record)
  try {
    await link(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    await rm(temp, {force: true})
  }
}

export async function replaceFile(path: string, content: unknown): Promise<void> {
  const temp = await writeTemp(path, content)
  await rename(temp, path)
}

/** The record, or undefined when there is none (or it is unreadable: a torn pre-kbus file). */
export async function readRecord(path: string): Promise<ServerRecord | undefined> {
  return readJson<ServerRecord>(path, (value) => Number.isInteger((value as ServerRecord).pid))
}

export async function readStats(path: string): Promise<ServerStats | undefined> {
  return readJson<ServerStats>(path, (value) => typeof (value as ServerStats).topics === 'number')
}

export function statsFileOf(home: string): string {
  return join(home, 'kbus.stats')
}

async function readJson<T>(path: string, valid: (value: unknown) => boolean): Promise<T | undefined> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && valid(value) ? (value as T) : undefined
  } catch {
    return undefined
  }
}

async function writeTemp(path: string, content: unknown): Promise<string> {
  await mkdir(dirname(path), {recursive: true, mode: 0o700})
  const temp = `${path}.${randomBytes(4).toString('hex')}.tmp`
  await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, {mode: 0o600})
  return temp
}
