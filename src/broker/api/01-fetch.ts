/**
 * Fetch (1), v4-12, sessionless: every answer is a full response (session id 0), which Java
 * clients accept by staying on full fetches. Whole stored batches are returned from the one
 * holding the fetch offset; the first partition with data always gets at least one complete
 * batch (KIP-74). read_committed stops at the last stable offset (before the oldest open
 * transaction) and lists the aborted transactions in what it reads, for the client to drop. A
 * request with nothing to return waits for an append (a transaction marker is one) or its max
 * wait, whichever comes first.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {Fetch} from '../../protocol/messages/01-fetch.js'
import {AppendWatch} from '../append-wait.js'
import type {BrokerCore} from '../broker-core.js'
import {defineHandler} from '../handler.js'
import {LEADER_EPOCH, type Partition} from '../partition.js'

/** Kafka's fetch.max.bytes: the broker's ceiling on one response. */
const FETCH_MAX_BYTES = 55 * 1024 * 1024

interface WantedPartition {
  partition: number
  currentLeaderEpoch: number
  fetchOffset: number
  partitionMaxBytes: number
}

interface WantedTopic {
  topic: string
  partitions: WantedPartition[]
}

export const fetchHandler = defineHandler({
  api: Fetch,
  async handle(request, ctx) {
    const {broker, signal} = ctx
    const deadline = Date.now() + Math.max(0, request.maxWaitMs)
    const maxBytes = Math.min(Math.max(request.maxBytes, 0), FETCH_MAX_BYTES)
    const watched = partitionsOf(request.topics, broker)
    for (;;) {
      const watch = new AppendWatch(watched, signal)
      const result = await readAll(request.topics, maxBytes, request.isolationLevel === 1, broker)
      const satisfied =
        request.maxWaitMs <= 0 || result.failed || result.bytes >= request.minBytes || watched.length === 0
      if (satisfied || signal.aborted || Date.now() >= deadline) {
        watch.dispose()
        return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses: result.responses}
      }
      await watch.until(deadline)
    }
  },
})

function partitionsOf(topics: WantedTopic[], broker: BrokerCore): Partition[] {
  const found: Partition[] = []
  for (const wanted of topics) {
    const topic = broker.topics.get(wanted.topic)
    for (const {partition} of wanted.partitions) {
      const served = topic?.partitions[partition]
      if (served) found.push(served)
    }
  }
  return found
}

const NOTHING = {batches: [] as Buffer[], bytes: 0}

async function readAll(topics: WantedTopic[], maxBytes: number, readCommitted: boolean, broker: BrokerCore) {
  let bytes = 0
  let failed = false
  const responses = []
  for (const wanted of topics) {
    const topic = broker.topics.get(wanted.topic)
    const partitions = []
    for (const request of wanted.partitions) {
      const partition = topic?.partitions[request.partition]
      const errorCode = partition ? positionError(partition, request) : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      if (errorCode !== ErrorCode.NONE || !partition) {
        failed = true
        partitions.push(partitionAnswer(request.partition, errorCode, partition, []))
        continue
      }
      const stable = readCommitted ? await partition.lastStableOffset() : partition.highWatermark
      // Past the response budget a partition still answers (Java drops a response that omits
      // one), only without data. The log returns at least one whole batch when it has any.
      const budget = Math.min(request.partitionMaxBytes, maxBytes - bytes)
      const read = bytes === 0 || budget > 0 ? await partition.read(request.fetchOffset, budget, stable) : NOTHING
      bytes += read.bytes
      const aborted = readCommitted ? await partition.abortedTransactions(request.fetchOffset, stable) : null
      partitions.push(partitionAnswer(request.partition, ErrorCode.NONE, partition, read.batches, aborted, stable))
    }
    responses.push({topic: wanted.topic, partitions})
  }
  return {responses, bytes, failed}
}

function positionError(partition: Partition, request: WantedPartition): number {
  if (request.currentLeaderEpoch >= 0 && request.currentLeaderEpoch !== LEADER_EPOCH)
    return request.currentLeaderEpoch < LEADER_EPOCH ? ErrorCode.FENCED_LEADER_EPOCH : ErrorCode.UNKNOWN_LEADER_EPOCH
  if (request.fetchOffset < partition.logStartOffset || request.fetchOffset > partition.highWatermark)
    return ErrorCode.OFFSET_OUT_OF_RANGE
  return ErrorCode.NONE
}

function partitionAnswer(
  index: number,
  errorCode: number,
  partition: Partition | undefined,
  batches: Buffer[],
  aborted: {producerId: number; firstOffset: number}[] | null = null,
  lastStableOffset = partition?.highWatermark ?? -1,
) {
  return {
    partitionIndex: index,
    errorCode,
    highWatermark: partition?.highWatermark ?? -1,
    lastStableOffset,
    logStartOffset: partition?.logStartOffset ?? -1,
    // Null for read_uncommitted, as Kafka answers; a list (maybe empty) for read_committed.
    abortedTransactions: aborted,
    preferredReadReplica: -1,
    records: contiguous(batches),
  }
}

/**
 * Batches read together lie back to back in one buffer: answered as one view, the records go to
 * the socket as a single chunk instead of one per batch.
 */
function contiguous(batches: Buffer[]): Buffer[] {
  if (batches.length < 2) return batches
  const runs: Buffer[] = []
  let run = batches[0]
  for (let i = 1; i < batches.length; i++) {
    const next = batches[i]
    if (next.buffer === run.buffer && next.byteOffset === run.byteOffset + run.length) {
      run = Buffer.from(run.buffer, run.byteOffset, run.length + next.length)
    } else {
      runs.push(run)
      run = next
    }
  }
  runs.push(run)
  return runs
}
