import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {BATCH_HEADER_SIZE, readBaseOffset, readLastOffsetDelta} from '../../../src/protocol/record-batch.js'
import {PartitionLog} from '../../../src/storage/log.js'
import {fetchReadBuffers} from '../../../src/storage/read-buffers.js'
import {type CountingFs, countingFs, makeBatch, makeTempDir, recordingLogger} from './helpers.js'

let temp: {path: string; remove: () => Promise<void>}
let fs: CountingFs
let log: PartitionLog

const BATCH_PAYLOAD = 100_000
const BATCHES = 20

beforeEach(async () => {
  temp = await makeTempDir()
  fs = countingFs()
  log = await PartitionLog.open({topic: 't', partition: 0, dir: `${temp.path}/t-0`, config: {}, logger: recordingLogger(), fs})
  for (let i = 0; i < BATCHES; i++) await log.append(makeBatch({records: 10, payloadBytes: BATCH_PAYLOAD, fill: i}), {durable: false})
})

afterEach(async () => {
  await log.close()
  await temp.remove()
})

const nextOffsetAfter = (batch: Buffer) => readBaseOffset(batch) + readLastOffsetDelta(batch) + 1

describe('a consumer reading on through large batches', () => {
  it('gets every batch once, in order, and the log reads each byte from disk about once', async () => {
    const maxBytes = 250_000
    fs.logBytesRead = 0
    const seen: number[] = []
    let offset = 0
    let reads = 0
    while (offset < log.logEndOffset) {
      const {batches} = await log.read(offset, maxBytes)
      reads++
      for (const batch of batches) {
        seen.push(batch[batch.length - 1])
        offset = nextOffsetAfter(batch)
      }
      for (const batch of batches) fetchReadBuffers.giveBack(batch)
    }
    expect(seen).toEqual(Array.from({length: BATCHES}, (_, i) => i))
    // One read of the wanted bytes per fetch; the first also looks up where offset 0 is.
    expect(fs.logBytesRead).toBeLessThanOrEqual(reads * maxBytes + 16 * 1024)
  })

  it('is answered from pooled buffers, so a buffer given back serves the next fetch', async () => {
    const first = await log.read(0, 250_000)
    for (const batch of first.batches) fetchReadBuffers.giveBack(batch)
    const next = await log.read(nextOffsetAfter(first.batches.at(-1)!), 250_000)
    expect(next.batches.length).toBeGreaterThan(0)
    // Compared by identity: printing two 250 KB buffers on a failure would take minutes.
    expect(next.batches[0].buffer === first.batches[0].buffer).toBe(true)
  })

  it('answers readers at other offsets exactly as a fresh log would, in between', async () => {
    const all = (await log.read(0, 1 << 30)).batches
    const holding = (offset: number) => all.findIndex((batch) => nextOffsetAfter(batch) > offset)
    let sequential = 0
    for (let step = 0; step < 40; step++) {
      // A consumer reading on, interleaved with readers at offsets inside batches and behind it.
      const other = (step * 37) % log.logEndOffset
      for (const offset of [sequential, other]) {
        const {batches} = await log.read(offset, 150_000)
        expect(batches).toHaveLength(1)
        expect(batches[0].equals(all[holding(offset)])).toBe(true)
      }
      sequential = sequential + 10 >= log.logEndOffset ? 0 : sequential + 10
    }
  })

  it('picks up batches appended after a read that reached the log end', async () => {
    const tail = await log.read(190, 1 << 20)
    expect(tail.batches).toHaveLength(1)
    const appended = makeBatch({records: 5, payloadBytes: 300, fill: 0x7f})
    await log.append(appended, {durable: false})
    const next = await log.read(nextOffsetAfter(tail.batches[0]), 1 << 20)
    expect(next.batches).toHaveLength(1)
    expect(readBaseOffset(next.batches[0])).toBe(200)
    expect(next.batches[0].subarray(BATCH_HEADER_SIZE).equals(appended.subarray(BATCH_HEADER_SIZE))).toBe(true)
  })
})
