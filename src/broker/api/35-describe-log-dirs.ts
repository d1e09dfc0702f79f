/**
 * DescribeLogDirs (35), v1-4: kbus keeps every log in one data directory, so the answer is one
 * result naming it, with each requested partition's size on disk (kafka-log-dirs --describe).
 * As Kafka does, partitions the broker does not host are left out rather than answered with an
 * error, and topics with none left are dropped. One node has no followers: offsetLag is always 0.
 */
import {statfs} from 'node:fs/promises'
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeLogDirs, type DescribeLogDirsRequest} from '../../protocol/messages/35-describe-log-dirs.js'
import {defineHandler} from '../handler.js'
import type {Topic} from '../topics.js'

export const describeLogDirsHandler = defineHandler({
  api: DescribeLogDirs,
  async handle(request, ctx) {
    const logDir = ctx.broker.config.dataDir
    const topics = []
    for (const topic of ctx.broker.topics.all()) {
      const partitions = wantedPartitions(topic, request.topics).map((partition) => ({
        partitionIndex: partition.index,
        partitionSize: partition.log.sizeInBytes(),
        offsetLag: 0,
        isFutureKey: false,
      }))
      if (partitions.length > 0) topics.push({name: topic.name, partitions})
    }
    const volume = await volumeSpace(logDir)
    if (!volume) return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [{errorCode: ErrorCode.KAFKA_STORAGE_ERROR, logDir, topics: []}]}
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, results: [{errorCode: ErrorCode.NONE, logDir, topics, ...volume}]}
  },
})

function wantedPartitions(topic: Topic, wanted: DescribeLogDirsRequest['topics']) {
  if (wanted === null) return topic.partitions
  const indexes = new Set(wanted.filter((entry) => entry.topic === topic.name).flatMap((entry) => entry.partitions))
  return topic.partitions.filter((partition) => indexes.has(partition.index))
}

/** Sizes as Java's FileStore reports them: usable is what an unprivileged writer may still use. */
async function volumeSpace(dir: string): Promise<{totalBytes: number; usableBytes: number} | null> {
  try {
    const stats = await statfs(dir)
    return {totalBytes: stats.blocks * stats.bsize, usableBytes: stats.bavail * stats.bsize}
  } catch {
    return null
  }
}
