import {readFile, writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CheckpointFormatError, OffsetCheckpointFile, parseOffsetCheckpoint} from '../../../src/storage/checkpoint.js'
import {nodeFs} from '../../../src/storage/fs.js'
import {makeTempDir} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}

beforeEach(async () => {
  temp = await makeTempDir()
})

afterEach(() => temp.remove())

describe('offset checkpoint files', () => {
  it("round-trips Kafka's text format", async () => {
    const file = new OffsetCheckpointFile(nodeFs, temp.path, 'recovery-point-offset-checkpoint')
    expect(await file.read()).toEqual([])
    const entries = [
      {topic: 'orders', partition: 0, offset: 42},
      {topic: 'my-topic.v2', partition: 11, offset: 9_007_199_254_740_000},
    ]
    await file.write(entries)
    expect((await readFile(file.path)).toString()).toBe('0\n2\norders 0 42\nmy-topic.v2 11 9007199254740000\n')
    expect(await file.read()).toEqual(entries)
  })

  it('rejects a malformed file', async () => {
    expect(() => parseOffsetCheckpoint('1\n0\n', 'x')).toThrow(CheckpointFormatError)
    expect(() => parseOffsetCheckpoint('0\n2\na 0 1\n', 'x')).toThrow('expected 2 entries, found 1')
    expect(() => parseOffsetCheckpoint('0\n1\na zero 1\n', 'x')).toThrow('bad entry')
    const path = join(temp.path, 'log-start-offset-checkpoint')
    await writeFile(path, 'garbage')
    await expect(new OffsetCheckpointFile(nodeFs, temp.path, 'log-start-offset-checkpoint').read()).rejects.toThrow(path)
  })
})
