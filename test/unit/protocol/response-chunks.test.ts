import {describe, expect, it} from 'vitest'
import {encodeResponse, encodeResponseChunks} from '../../../src/protocol/headers.js'
import {Fetch} from '../../../src/protocol/messages/01-fetch.js'
import {Writer} from '../../../src/protocol/writer.js'

function fetchAnswer(records: Buffer[]) {
  return {
    throttleTimeMs: 0,
    errorCode: 0,
    sessionId: 0,
    responses: [
      {
        topic: 't',
        partitions: [
          {
            partitionIndex: 0, errorCode: 0, highWatermark: 9, lastStableOffset: 9, logStartOffset: 0,
            abortedTransactions: null, preferredReadReplica: -1, records,
          },
        ],
      },
    ],
  }
}

describe('responses sent in chunks', () => {
  it('sends a Fetch response\'s large records as the very buffers given, with the same bytes as one encoded frame', () => {
    const records = [Buffer.alloc(10_000, 1), Buffer.alloc(5_000, 2)]
    for (const version of [4, 11, 12]) {
      const chunks = encodeResponseChunks(Fetch, version, 7, fetchAnswer(records))
      expect(Array.isArray(chunks)).toBe(true)
      const sent = chunks as Buffer[]
      expect(sent).toContain(records[0])
      expect(sent).toContain(records[1])
      expect(Buffer.concat(sent)).toEqual(encodeResponse(Fetch, version, 7, fetchAnswer(records)))
    }
  })

  it('answers with a single buffer when nothing is large enough to pass by reference', () => {
    const chunks = encodeResponseChunks(Fetch, 12, 7, fetchAnswer([Buffer.alloc(100, 3)]))
    expect(Buffer.isBuffer(chunks)).toBe(true)
    expect(chunks).toEqual(encodeResponse(Fetch, 12, 7, fetchAnswer([Buffer.alloc(100, 3)])))
  })

  it('keeps earlier pieces intact when the buffer grows after a referenced run', () => {
    const w = new Writer(8, 16)
    w.int32(1)
    w.raw(Buffer.alloc(32, 9))
    for (let i = 0; i < 100; i++) w.int32(i)
    const chunks = w.finishChunks()
    expect(chunks.map((chunk) => chunk.length)).toEqual([4, 32, 400])
    const expected = Buffer.alloc(436)
    expected.writeInt32BE(1, 0)
    expected.fill(9, 4, 36)
    for (let i = 0; i < 100; i++) expected.writeInt32BE(i, 36 + 4 * i)
    expect(Buffer.concat(chunks)).toEqual(expected)
    expect(w.finish()).toEqual(expected)
  })
})
