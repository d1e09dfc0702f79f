/**
 * The pool of segment files: at most `limit` idle descriptors stay open, and a file is closed
 * only when nothing needs its descriptor (no operation, no reader pin, no unsynced write).
 */
import {readFile, rename, unlink, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {FilePool, type PooledFile} from '../../../src/storage/file-pool.js'
import {nodeFs} from '../../../src/storage/fs.js'
import {makeTempDir} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
let files: PooledFile[] = []
beforeEach(async () => {
  temp = await makeTempDir()
})
afterEach(async () => {
  await Promise.allSettled(files.splice(0).map((file) => file.close()))
  await temp.remove()
})

async function poolWithFiles(limit: number, count: number): Promise<{pool: FilePool; paths: string[]}> {
  const pool = new FilePool(nodeFs, limit)
  const paths = Array.from({length: count}, (_, i) => join(temp.path, `${i}.log`))
  for (const [i, path] of paths.entries()) await writeFile(path, `file ${i}`)
  files = paths.map((path) => pool.file(path))
  return {pool, paths}
}

async function text(file: PooledFile): Promise<string> {
  const buffer = Buffer.alloc(6)
  const {bytesRead} = await file.read(buffer, 0, 6, 0)
  return buffer.subarray(0, bytesRead).toString()
}

describe('file pool', () => {
  it('opens files on first use and keeps no more than its limit open', async () => {
    const {pool} = await poolWithFiles(2, 5)
    expect(pool.openCount).toBe(0)
    for (let round = 0; round < 2; round++) {
      for (const [i, file] of files.entries()) {
        expect(await text(file)).toBe(`file ${i}`)
        expect(pool.openCount).toBeLessThanOrEqual(2)
      }
    }
  })

  it('keeps a pinned file open, so it reads on after its name is gone', async () => {
    const {pool, paths} = await poolWithFiles(1, 3)
    await files[0].pinOpen()
    await unlink(paths[0])
    expect(await text(files[1])).toBe('file 1')
    expect(await text(files[2])).toBe('file 2')
    expect(await text(files[0])).toBe('file 0')
    files[0].unpin()
    expect(await text(files[1])).toBe('file 1')
    expect(pool.openCount).toBe(1)
  })

  it('never closes a file with writes not yet fsynced', async () => {
    const {pool, paths} = await poolWithFiles(1, 3)
    await files[0].write(Buffer.from('FILE'), 0, 4, 0)
    await unlink(paths[0])
    await text(files[1])
    await text(files[2])
    // Still the same descriptor: the unlinked file's bytes are there.
    expect(await text(files[0])).toBe('FILE 0')
    await files[0].datasync()
    await text(files[1])
    expect(pool.openCount).toBe(1)
  })

  it('reopens a renamed file under its new name', async () => {
    const {paths} = await poolWithFiles(1, 2)
    expect(await text(files[0])).toBe('file 0')
    await text(files[1])
    const moved = `${paths[0]}.deleted`
    await rename(paths[0], moved)
    files[0].movedTo(moved)
    expect(await text(files[0])).toBe('file 0')
    expect(await readFile(moved, 'utf8')).toBe('file 0')
  })

  it('refuses use after close', async () => {
    await poolWithFiles(4, 1)
    await text(files[0])
    await files[0].close()
    await expect(text(files[0])).rejects.toThrow(/closed/)
  })
})
