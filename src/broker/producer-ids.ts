/**
 * Hands out producer ids for InitProducerId so that none repeats across restarts, which would let
 * a new producer be mistaken for an old one whose state the partitions kept. Like Kafka's
 * controller, ids are reserved in blocks: the end of the reserved block is written to
 * `<dataDir>/meta/producer-ids.json` before any id of it is given out, and the next start begins
 * after it. A data directory without the file (made by an older kbus, which numbered producers
 * from the clock in ms) starts at the clock, above every id that kbus gave; so does one whose file
 * is unreadable, with a warning, rather than refusing to start.
 */
import {mkdir, readFile} from 'node:fs/promises'
import {dirname, join} from 'node:path'
import type {Logger} from '../daemon/logger.js'
import {writeFileAtomic} from './meta-store.js'

/** Kafka's producer id block size. */
const BLOCK_SIZE = 1000

interface ProducerIdsFile {
  version: 1
  /** Every id below this may have been given out. */
  reservedUpTo: number
}

export class ProducerIdAllocator {
  private reserving: Promise<void> | null = null

  private constructor(
    private readonly path: string,
    private nextId: number,
    private reservedUpTo: number,
  ) {}

  static async open(dataDir: string, logger: Logger, now: () => number = Date.now): Promise<ProducerIdAllocator> {
    const path = join(dataDir, 'meta', 'producer-ids.json')
    await mkdir(dirname(path), {recursive: true})
    let reserved: number | null = null
    try {
      reserved = await readReservedUpTo(path)
    } catch (error) {
      logger.warn(`Ignoring ${path} (${(error as Error).message}); new producer ids start from the clock`)
    }
    const first = reserved ?? now()
    return new ProducerIdAllocator(path, first, first)
  }

  /** A producer id never given out before, by this run or an earlier one. */
  async next(): Promise<number> {
    while (this.nextId >= this.reservedUpTo) {
      this.reserving ??= this.reserveBlock().finally(() => {
        this.reserving = null
      })
      await this.reserving
    }
    return this.nextId++
  }

  private async reserveBlock(): Promise<void> {
    const reservedUpTo = this.nextId + BLOCK_SIZE
    await writeFileAtomic(this.path, JSON.stringify({version: 1, reservedUpTo} satisfies ProducerIdsFile))
    this.reservedUpTo = reservedUpTo
  }
}

async function readReservedUpTo(path: string): Promise<number | null> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const reservedUpTo = (JSON.parse(text) as Partial<ProducerIdsFile>).reservedUpTo
  if (typeof reservedUpTo !== 'number' || !Number.isSafeInteger(reservedUpTo) || reservedUpTo < 0)
    throw new Error(`no valid reservedUpTo in ${JSON.stringify(text.trim())}`)
  return reservedUpTo
}
