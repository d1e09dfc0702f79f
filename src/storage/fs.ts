/**
 * The slice of the file system the log uses. It is injected so tests can count fsyncs, hold one
 * back, or fail a write without killing a process; production passes `nodeFs`.
 */
import * as fsp from 'node:fs/promises'

/** An open file. Node's FileHandle satisfies it. */
export interface StorageFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{bytesRead: number}>
  write(buffer: Buffer, offset: number, length: number, position: number): Promise<{bytesWritten: number}>
  writev(buffers: Buffer[], position: number): Promise<{bytesWritten: number}>
  datasync(): Promise<void>
  sync(): Promise<void>
  truncate(length: number): Promise<void>
  stat(): Promise<{size: number; mtimeMs: number}>
  close(): Promise<void>
}

export interface StorageFs {
  /** Flags as node:fs takes them: 'r', 'r+', 'w+', or numeric O_* flags. */
  open(path: string, flags: string | number): Promise<StorageFile>
  readdir(path: string): Promise<string[]>
  stat(path: string): Promise<{size: number; isDirectory(): boolean}>
  readFile(path: string): Promise<Buffer>
  mkdir(path: string): Promise<void>
  rename(from: string, to: string): Promise<void>
  unlink(path: string): Promise<void>
  /** Removes a directory tree; a missing path is not an error. */
  removeTree(path: string): Promise<void>
}

export const nodeFs: StorageFs = {
  open: (path, flags) => fsp.open(path, flags),
  readdir: (path) => fsp.readdir(path),
  stat: (path) => fsp.stat(path),
  readFile: (path) => fsp.readFile(path),
  mkdir: async (path) => {
    await fsp.mkdir(path, {recursive: true})
  },
  rename: (from, to) => fsp.rename(from, to),
  unlink: (path) => fsp.unlink(path),
  removeTree: (path) => fsp.rm(path, {recursive: true, force: true}),
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
}

/** Reads exactly `length` bytes at `position` (into `buffer` when given); the caller knows they exist. */
export async function readAt(file: StorageFile, position: number, length: number, buffer: Buffer = Buffer.allocUnsafe(length)): Promise<Buffer> {
  let filled = 0
  while (filled < length) {
    const {bytesRead} = await file.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) throw new Error(`unexpected end of file reading ${length} bytes at position ${position}`)
    filled += bytesRead
  }
  return buffer
}

/** Writes every byte of `buffers` at `position`, carrying on after a short write. */
export async function writeAllAt(file: StorageFile, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers.filter((buffer) => buffer.length > 0)
  let at = position
  while (pending.length > 0) {
    const {bytesWritten} = await file.writev(pending, at)
    if (bytesWritten === 0) throw new Error(`no bytes written at position ${at}`)
    at += bytesWritten
    pending = dropBytes(pending, bytesWritten)
  }
}

function dropBytes(buffers: Buffer[], count: number): Buffer[] {
  let left = count
  let index = 0
  while (index < buffers.length && left >= buffers[index].length) left -= buffers[index++].length
  const rest = buffers.slice(index)
  if (left > 0) rest[0] = rest[0].subarray(left)
  return rest
}

/**
 * Makes a directory's entries durable: a new, renamed or deleted file name is only safe after
 * its parent directory is fsync'd (Kafka's Utils.flushDir).
 */
export async function syncDir(fs: StorageFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r')
  try {
    await handle.sync()
  } catch (error) {
    // Some platforms and file systems cannot fsync a directory; there is nothing better to do.
    const code = (error as NodeJS.ErrnoException).code
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM') throw error
  } finally {
    await handle.close()
  }
}

/** Replaces `path` with `data` so a crash leaves either the old or the new file whole. */
export async function writeFileAtomically(fs: StorageFs, dir: string, path: string, data: Buffer): Promise<void> {
  const tmp = `${path}.tmp`
  const handle = await fs.open(tmp, 'w')
  try {
    await writeAllAt(handle, [data], 0)
    await handle.sync()
  } finally {
    await handle.close()
  }
  await fs.rename(tmp, path)
  await syncDir(fs, dir)
}
