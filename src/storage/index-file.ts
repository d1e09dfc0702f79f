/**
 * What the offset and time indexes share: fixed-size entries kept in memory (lookups never touch
 * the disk) and appended to their file in the background of a flush. The file is a cache of the
 * log; recovery rebuilds it whenever it is missing or fails its sanity check.
 */
import {constants} from 'node:fs'
import {type StorageFs, isNotFound, writeAllAt} from './fs.js'

/** Open for writing at chosen positions, creating the file if needed, never truncating it. */
const READ_WRITE_CREATE = constants.O_RDWR | constants.O_CREAT

export abstract class IndexFile {
  /** Entries already in the file; the rest are written by the next `flush`. */
  private entriesOnDisk = 0
  /** Set when the file must be rewritten from scratch (rebuilt or truncated index). */
  private rewrite = false
  /** Written since the last fsync. */
  private unsynced = false

  protected constructor(
    private filePath: string,
    private readonly entrySize: number,
  ) {}

  get path(): string {
    return this.filePath
  }

  /** Follows a rename of the file (compaction and deletion steps rename a segment's files). */
  movedTo(path: string): void {
    this.filePath = path
  }

  abstract get entries(): number
  protected abstract encode(from: number, to: number): Buffer
  protected abstract clear(): void

  /** Entries from disk, or null when the file is missing or not a whole number of entries. */
  protected static async readEntries(fs: StorageFs, path: string, entrySize: number): Promise<Buffer | null> {
    try {
      const bytes = await fs.readFile(path)
      return bytes.length % entrySize === 0 ? bytes : null
    } catch (error) {
      if (isNotFound(error)) return null
      throw error
    }
  }

  protected markLoaded(): void {
    this.entriesOnDisk = this.entries
  }

  /** Forgets every entry, on disk too at the next flush: the index is about to be rebuilt. */
  reset(): void {
    this.clear()
    this.rewrite = true
  }

  /** Keeps the first `count` entries, on disk too at the next flush: the rest are rebuilt. */
  protected keepFirst(count: number): void {
    if (count >= this.entries) return
    this.shrinkTo(count)
    this.rewrite = true
  }

  protected abstract shrinkTo(count: number): void

  /** Writes what the file lacks; with `sync`, makes it durable too. */
  async flush(fs: StorageFs, sync: boolean): Promise<void> {
    const rewrite = this.rewrite
    const from = rewrite ? 0 : this.entriesOnDisk
    const to = this.entries
    if (from === to && !rewrite && !(sync && this.unsynced)) return
    const handle = await fs.open(this.path, rewrite ? 'w' : READ_WRITE_CREATE)
    try {
      if (to > from) await writeAllAt(handle, [this.encode(from, to)], from * this.entrySize)
      this.rewrite = false
      this.entriesOnDisk = to
      this.unsynced = true
      if (sync) {
        await handle.sync()
        this.unsynced = false
      }
    } finally {
      await handle.close()
    }
  }
}
