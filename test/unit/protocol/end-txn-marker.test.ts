import {describe, expect, it} from 'vitest'
import {encodeEndTxnMarker, readEndTxnMarker} from '../../../src/protocol/end-txn-marker.js'
import {ATTR_CONTROL, ATTR_TRANSACTIONAL, readBatchHeader} from '../../../src/protocol/record-batch.js'
import {decodeRecordBatch, encodeRecordBatch} from '../../../src/protocol/records.js'

describe('transaction markers', () => {
  it("encodes Kafka's control record: key version 0 + type, value version 0 + coordinator epoch, no sequence", () => {
    const batch = encodeEndTxnMarker({producerId: 4000, producerEpoch: 3, kind: 'commit', coordinatorEpoch: 7, timestamp: 1700000000000})
    const decoded = decodeRecordBatch(batch)
    expect(decoded.control && decoded.transactional).toBe(true)
    expect(readBatchHeader(batch)).toMatchObject({producerId: 4000, producerEpoch: 3, baseSequence: -1, lastOffsetDelta: 0})
    expect([...decoded.records[0].key!]).toEqual([0, 0, 0, 1])
    expect([...decoded.records[0].value!]).toEqual([0, 0, 0, 0, 0, 7])
  })

  it('reads the kind back, and null for batches that are not markers', () => {
    const marker = (kind: 'commit' | 'abort') => encodeEndTxnMarker({producerId: 1, producerEpoch: 0, kind, coordinatorEpoch: 0, timestamp: 1})
    expect(readEndTxnMarker(marker('commit'))).toBe('commit')
    expect(readEndTxnMarker(marker('abort'))).toBe('abort')
    const data = encodeRecordBatch({records: [{key: Buffer.from([0, 0, 0, 0]), value: null, timestamp: 1}], producerId: 1, attributes: ATTR_TRANSACTIONAL})
    expect(readEndTxnMarker(data)).toBeNull()
    const otherControl = encodeRecordBatch({records: [{key: Buffer.from([0, 0, 0, 5]), value: null, timestamp: 1}], producerId: 1, attributes: ATTR_TRANSACTIONAL | ATTR_CONTROL})
    expect(readEndTxnMarker(otherControl)).toBeNull()
    const inside = Buffer.concat([Buffer.alloc(10), marker('abort')])
    expect(readEndTxnMarker(inside, 10)).toBe('abort')
  })
})
