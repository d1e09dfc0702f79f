/**
 * Segment files opened on first use and closed again when too many are open: 10,000 partitions
 * need not hold 10,000 descriptors (a common soft limit is 1,024), and a start opens only the
 * files it reads. One pool per StorageFs, since the limit is the process's.
 *
 * A file is never closed behind the caller's back while an operation runs on it, while it is
 * pinned (a reader holds the segment, or its name is about to go), or while it has writes not
 * yet fsync'd: a write-back error must reach the fsync of the descriptor that wrote.
 */
import {readFileSync} from 'node:fs'
import type {StorageFile, StorageFs} from './fs.js'

/** Used when the process's limit cannot be read (not Linux). */
const FALLBACK_OPEN_FILES = 1024
/** Share of the open-file limit the pool may fill: sockets, index files and checkpoints need the rest. */
const POOL_SHARE = 0.5

export class FilePool {
  /** Idle open files, least recently used first (a Map keeps insertion order). */
  private readonly idle = new Map<PooledFile, true>()
  private open = 0

  constructor(
    readonly fs: StorageFs,
    readonly limit: number,
  ) {}

  /** A file at `path` (which must exist) opened with 'r+' when first used. */
  file(path: string): PooledFile {
    return new PooledFile(this, path, null)
  }

  /** Creates (or truncates) the file at `path` now, keeping the descriptor. */
  async create(path: string): Promise<PooledFile> {
    const handle = await this.fs.open(path, 'w+')
    this.opened()
    return new PooledFile(this, path, handle)
  }

  /** How many pooled descriptors are open (for tests and stats). */
  get openCount(): number {
    return this.open
  }

  /** @internal */
  opened(): void {
    this.open++
    if (this.open > this.limit) this.evict()
  }

  /** @internal */
  closed(): void {
    this.open--
  }

  /** @internal */
  markIdle(file: PooledFile, idle: boolean): void {
    this.idle.delete(file)
    if (idle) this.idle.set(file, true)
  }

  private evict(): void {
    for (const file of this.idle.keys()) {
      if (this.open <= this.limit) return
      this.idle.delete(file)
      file.release()
    }
  }
}

export class PooledFile implements StorageFile {
  private handle: Promise<StorageFile> | null
  private running = 0
  private pins = 0
  private writes = 0
  private syncedWrites = 0
  private isClosed = false

  /** @internal: made by FilePool. */
  constructor(
    private readonly pool: FilePool,
    private filePath: string,
    handle: StorageFile | null,
  ) {
    this.handle = handle ? Promise.resolve(handle) : null
    if (handle) this.pool.markIdle(this, true)
  }

  get path(): string {
    return this.filePath
  }

  /** Follows a rename, so a later reopen finds the file under its new name. */
  movedTo(path: string): void {
    this.filePath = path
  }

  /** Keeps the descriptor open, opening it now, until `unpin`: the file's name may go meanwhile. */
  async pinOpen(): Promise<void> {
    this.pin()
    try {
      await this.acquire()
    } catch (error) {
      this.unpin()
      throw error
    }
  }

  pin(): void {
    this.pins++
    this.updateIdle()
  }

  unpin(): void {
    this.pins--
    this.updateIdle()
  }

  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{bytesRead: number}> {
    return this.use((file) => file.read(buffer, offset, length, position))
  }

  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{bytesWritten: number}> {
    this.writes++
    return this.use((file) => file.write(buffer, offset, length, position))
  }

  writev(buffers: Buffer[], position: number): Promise<{bytesWritten: number}> {
    this.writes++
    return this.use((file) => file.writev(buffers, position))
  }

  datasync(): Promise<void> {
    return this.synced((file) => file.datasync())
  }

  sync(): Promise<void> {
    return this.synced((file) => file.sync())
  }

  truncate(length: number): Promise<void> {
    this.writes++
    return this.use((file) => file.truncate(length))
  }

  stat(): Promise<{size: number; mtimeMs: number}> {
    return this.use((file) => file.stat())
  }

  async close(): Promise<void> {
    this.isClosed = true
    this.pool.markIdle(this, false)
    const handle = this.handle
    this.handle = null
    if (!handle) return
    // A failed open left nothing to close.
    const file = await handle.catch(() => null)
    if (!file) return
    this.pool.closed()
    await file.close()
  }

  /** @internal: the pool closes an idle descriptor; the next use opens the file again. */
  release(): void {
    const handle = this.handle
    this.handle = null
    if (!handle) return
    this.pool.closed()
    // Nothing waits on this close: the file has no operation running and nothing unsynced.
    void handle.then((file) => file.close()).catch(() => {})
  }

  private async synced(work: (file: StorageFile) => Promise<void>): Promise<void> {
    const covered = this.writes
    await this.use(work)
    this.syncedWrites = Math.max(this.syncedWrites, covered)
    this.updateIdle()
  }

  private async use<T>(work: (file: StorageFile) => Promise<T>): Promise<T> {
    this.running++
    this.pool.markIdle(this, false)
    try {
      return await work(await this.acquire())
    } finally {
      this.running--
      this.updateIdle()
    }
  }

  private acquire(): Promise<StorageFile> {
    if (this.isClosed) return Promise.reject(new Error(`${this.filePath} is closed`))
    if (!this.handle) {
      const opening = this.pool.fs.open(this.filePath, 'r+')
      this.handle = opening
      opening.then(
        () => this.pool.opened(),
        () => {
          if (this.handle === opening) this.handle = null
        },
      )
    }
    return this.handle
  }

  private updateIdle(): void {
    const idle = this.handle !== null && !this.isClosed && this.running === 0 && this.pins === 0 && this.syncedWrites >= this.writes
    this.pool.markIdle(this, idle)
  }
}

const pools = new WeakMap<StorageFs, FilePool>()

/** The pool of `fs`, made on first use with a limit from the process's open-file limit. */
export function filePoolOf(fs: StorageFs): FilePool {
  let pool = pools.get(fs)
  if (!pool) {
    pool = new FilePool(fs, Math.max(64, Math.floor(openFileLimit() * POOL_SHARE)))
    pools.set(fs, pool)
  }
  return pool
}

/** The soft RLIMIT_NOFILE, from /proc on Linux (Node has no getrlimit). */
function openFileLimit(): number {
  try {
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'))
    if (!match) return FALLBACK_OPEN_FILES
    return match[1] === 'unlimited' ? 1 << 20 : Number(match[1])
  } catch {
    return FALLBACK_OPEN_FILES
  }
}
