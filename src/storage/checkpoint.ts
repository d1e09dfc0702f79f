/**
 * Offset checkpoint files (Kafka's OffsetCheckpointFile), one per data directory:
 * `recovery-point-offset-checkpoint`, `log-start-offset-checkpoint` and
 * `cleaner-offset-checkpoint`. Plain text: a version
 * line (0), a count line, then `topic partition offset` per partition. Written atomically: tmp
 * file, fsync, rename, fsync the directory.
 */
import {join} from 'node:path'
import {type StorageFs, isNotFound, writeFileAtomically} from './fs.js'

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint'

const VERSION = 0

export interface PartitionOffset {
  topic: string
  partition: number
  offset: number
}

export class CheckpointFormatError extends Error {}

export class OffsetCheckpointFile {
  readonly path: string

  constructor(
    private readonly fs: StorageFs,
    private readonly dir: string,
    name: string,
  ) {
    this.path = join(dir, name)
  }

  /** The entries on disk; empty when the file does not exist. Throws CheckpointFormatError. */
  async read(): Promise<PartitionOffset[]> {
    let text: string
    try {
      text = (await this.fs.readFile(this.path)).toString('utf8')
    } catch (error) {
      if (isNotFound(error)) return []
      throw error
    }
    return parseOffsetCheckpoint(text, this.path)
  }

  async write(entries: PartitionOffset[]): Promise<void> {
    await writeFileAtomically(this.fs, this.dir, this.path, Buffer.from(formatOffsetCheckpoint(entries), 'utf8'))
  }
}

export function formatOffsetCheckpoint(entries: PartitionOffset[]): string {
  const lines = [String(VERSION), String(entries.length)]
  for (const {topic, partition, offset} of entries) lines.push(`${topic} ${partition} ${offset}`)
  return `${lines.join('\n')}\n`
}

export function parseOffsetCheckpoint(text: string, path: string): PartitionOffset[] {
  const lines = text.split('\n').filter((line) => line.length > 0)
  const bad = (why: string) => new CheckpointFormatError(`Malformed checkpoint file ${path}: ${why}`)
  if (lines[0] !== String(VERSION)) throw bad(`unknown version ${JSON.stringify(lines[0] ?? '')}`)
  const count = Number(lines[1])
  if (!Number.isInteger(count) || count !== lines.length - 2) throw bad(`expected ${lines[1]} entries, found ${lines.length - 2}`)
  return lines.slice(2).map((line) => {
    const fields = line.split(' ')
    const partition = Number(fields[1])
    const offset = Number(fields[2])
    if (fields.length !== 3 || !Number.isInteger(partition) || !Number.isInteger(offset)) throw bad(`bad entry ${JSON.stringify(line)}`)
    return {topic: fields[0], partition, offset}
  })
}
