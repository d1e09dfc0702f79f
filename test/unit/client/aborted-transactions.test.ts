import {describe, expect, it} from 'vitest'
import {AbortedTransactionFilter} from '../../../src/client/aborted-transactions.js'
import {ATTR_CONTROL, ATTR_TRANSACTIONAL} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch} from '../../../src/protocol/records.js'

function data(baseOffset: number, producerId: number, count = 1, transactional = true) {
  const records = Array.from({length: count}, (_, index) => ({key: null, value: Buffer.from(`r${baseOffset + index}`), timestamp: 1}))
  return decodeRecordBatch(encodeRecordBatch({baseOffset, producerId, producerEpoch: 0, baseSequence: 0, records, attributes: transactional ? ATTR_TRANSACTIONAL : 0}))
}

/** A transaction marker as Kafka writes it: key (version 0, type), value (version 0, coordinator epoch). */
function marker(baseOffset: number, producerId: number, commit: boolean) {
  const key = Buffer.from([0, 0, 0, commit ? 1 : 0])
  const value = Buffer.from([0, 0, 0, 0, 0, 0])
  return decodeRecordBatch(encodeRecordBatch({baseOffset, producerId, producerEpoch: 0, records: [{key, value, timestamp: 1}], attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL}))
}

describe('read_committed: dropping aborted transactions', () => {
  it("drops an aborted transaction's batches up to its ABORT marker and keeps the interleaved committed ones", () => {
    const filter = new AbortedTransactionFilter([{producerId: 1, firstOffset: 0}])
    const log = [data(0, 1, 2), data(2, 2), data(3, 1), marker(4, 1, false), marker(5, 2, true), data(6, 1), marker(7, 1, true), data(8, 3, 1, false)]
    expect(log.map((batch) => filter.drops(batch))).toEqual([true, false, true, false, false, false, false, false])
  })

  it('drops nothing for a producer whose aborted transaction starts later in the log', () => {
    const filter = new AbortedTransactionFilter([{producerId: 1, firstOffset: 2}])
    const log = [data(0, 1), marker(1, 1, true), data(2, 1), marker(3, 1, false)]
    expect(log.map((batch) => filter.drops(batch))).toEqual([false, false, true, false])
  })

  it('takes the aborted list in any order', () => {
    const filter = new AbortedTransactionFilter([{producerId: 2, firstOffset: 2}, {producerId: 1, firstOffset: 0}])
    const log = [data(0, 1), marker(1, 1, false), data(2, 2), marker(3, 2, false), data(4, 1)]
    expect(log.map((batch) => filter.drops(batch))).toEqual([true, false, true, false, false])
  })
})
