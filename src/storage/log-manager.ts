/**
 * All partition logs of one data directory (Kafka's LogManager): finds and recovers them at
 * start, creates and deletes them, keeps the recovery-point, log-start-offset and cleaner
 * checkpoints, runs retention and compaction when asked, and marks a clean shutdown so the next
 * start can skip the scan.
 */
import {randomUUID} from 'node:crypto'
import {join} from 'node:path'
import {
  CLEANER_OFFSET_CHECKPOINT,
  CheckpointFormatError,
  LOG_START_OFFSET_CHECKPOINT,
  OffsetCheckpointFile,
  type PartitionOffset,
  RECOVERY_POINT_CHECKPOINT,
} from './checkpoint.js'
import type {CompactionPolicy} from './cleaner.js'
import {deletionDirName, isDeletionDirName, logDirName, parseLogDirName} from './file-names.js'
import {type StorageFs, isNotFound, nodeFs, syncDir, writeFileAtomically} from './fs.js'
import {GroupCommit} from './group-commit.js'
import {Limiter} from './limiter.js'
import {DEFAULT_LOG_CONFIG, type LogConfig} from './log-config.js'
import {PartitionLog} from './log.js'
import type {StorageLogger} from './recovery.js'
import {ZeroFillBudget} from './zero-fill.js'

/** Kafka's name for the clean-shutdown marker. */
export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown'
/** Kafka's log.flush.offset.checkpoint.interval.ms. */
const DEFAULT_CHECKPOINT_INTERVAL_MS = 60_000
/** Logs opened or made at once: enough to overlap I/O without a burst of open files. */
const LOG_CONCURRENCY = 16

export interface LogManagerOptions {
  logger: StorageLogger
  /** Settings for logs found on disk and for `createLog` without a config (Kafka's defaults). */
  defaults?: Partial<LogConfig>
  fs?: StorageFs
  now?: () => number
  /** How often the checkpoint files are rewritten; 0 turns the timer off. */
  checkpointIntervalMs?: number
}

/** A topic's cleanup settings (Kafka's topic configs; see RetentionPolicy and CompactionPolicy). */
export interface TopicCleanupConfig extends CompactionPolicy {
  /** cleanup.policy: "delete", "compact", or both. */
  cleanupPolicy: readonly string[]
  /** retention.ms; negative keeps data forever. */
  retentionMs: number
  /** retention.bytes, per partition; negative means no limit. */
  retentionBytes: number
}

export interface MaintenanceReport {
  /** Segments deleted by retention or below the log start offset. */
  segmentsDeleted: number
  /** Logs a compaction pass rewrote. */
  logsCompacted: number
}

export class LogManager {
  private readonly logs = new Map<string, PartitionLog>()
  private readonly recoveryPoints: OffsetCheckpointFile
  private readonly logStartOffsets: OffsetCheckpointFile
  private readonly cleanerOffsets: OffsetCheckpointFile
  private maintenance: Promise<MaintenanceReport> | null = null
  private checkpointTimer: NodeJS.Timeout | null = null
  private checkpointing: Promise<void> = Promise.resolve()
  private closed = false
  private readonly creations = new Limiter(LOG_CONCURRENCY)
  /** New log directories' names made durable together: 1,000 new logs share a few fsyncs. */
  private readonly dataDirSync: GroupCommit
  /** Shared by every log, so zero-filled space stays bounded however many partitions take acks=all. */
  private readonly zeroFillBudget = new ZeroFillBudget()

  private constructor(
    readonly dataDir: string,
    private readonly fs: StorageFs,
    private readonly logger: StorageLogger,
    private readonly defaults: LogConfig,
    private readonly now: () => number,
  ) {
    this.recoveryPoints = new OffsetCheckpointFile(fs, dataDir, RECOVERY_POINT_CHECKPOINT)
    this.logStartOffsets = new OffsetCheckpointFile(fs, dataDir, LOG_START_OFFSET_CHECKPOINT)
    this.cleanerOffsets = new OffsetCheckpointFile(fs, dataDir, CLEANER_OFFSET_CHECKPOINT)
    this.dataDirSync = new GroupCommit(() => syncDir(fs, dataDir))
  }

  /**
   * Opens every `<topic>-<partition>` log under `dataDir` (creating the directory if needed). A
   * start without the clean-shutdown marker validates everything past each recovery point;
   * damage that cannot be cut off as a torn tail throws StorageCorruptionError.
   */
  static async open(dataDir: string, options: LogManagerOptions): Promise<LogManager> {
    const fs = options.fs ?? nodeFs
    const manager = new LogManager(
      dataDir,
      fs,
      options.logger,
      {...DEFAULT_LOG_CONFIG, ...options.defaults},
      options.now ?? Date.now,
    )
    await fs.mkdir(dataDir)
    await manager.loadLogs()
    const interval = options.checkpointIntervalMs ?? DEFAULT_CHECKPOINT_INTERVAL_MS
    if (interval > 0) {
      manager.checkpointTimer = setInterval(() => {
        manager.checkpoint().catch((error: Error) => manager.logger.error(`Writing checkpoint files failed: ${error.message}`))
      }, interval)
      manager.checkpointTimer.unref()
    }
    return manager
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.logs.get(logDirName(topic, partition))
  }

  allLogs(): PartitionLog[] {
    return [...this.logs.values()]
  }

  /** Makes a new, empty log. Calls may overlap: a few at a time run, the rest wait their turn. */
  async createLog(topic: string, partition: number, config?: Partial<LogConfig>): Promise<PartitionLog> {
    const name = logDirName(topic, partition)
    if (this.logs.has(name)) throw new Error(`The log ${name} already exists`)
    // The new segment's file names become durable with its first fsync'd data (see
    // LogSegment.deferDirectorySync); the new directory's own name, here, shared with other creations.
    const log = await this.creations.run(() =>
      PartitionLog.open({
        topic,
        partition,
        dir: join(this.dataDir, name),
        config: {...this.defaults, ...config},
        logger: this.logger,
        fs: this.fs,
        now: this.now,
        checkpointLogStartOffset: () => this.checkpoint(),
        zeroFillBudget: this.zeroFillBudget,
      }),
    )
    this.logs.set(name, log)
    await this.dataDirSync.request()
    return log
  }

  /**
   * Deletes every log of `topic`. Each directory is first renamed to
   * `<topic>-<partition>.<uuid>-delete` (Kafka's way), so a crash midway leaves a name the next
   * start recognises and finishes removing.
   */
  async deleteLogs(topic: string): Promise<void> {
    for (const log of this.allLogs().filter((candidate) => candidate.topic === topic)) {
      this.logs.delete(logDirName(topic, log.partition))
      await log.close()
      const doomed = join(this.dataDir, deletionDirName(topic, log.partition, randomUUID().replaceAll('-', '')))
      await this.fs.rename(log.dir, doomed)
      await syncDir(this.fs, this.dataDir)
      await this.fs.removeTree(doomed)
    }
  }

  /** Deletes the logs of topics not in `topics` (a crash between forgetting a topic and deleting its logs). */
  async removeStrayLogs(topics: ReadonlySet<string>): Promise<void> {
    const stray = new Set(this.allLogs().map((log) => log.topic).filter((topic) => !topics.has(topic)))
    for (const topic of stray) {
      this.logger.warn(`Deleting the logs of ${topic}: the topic no longer exists`)
      await this.deleteLogs(topic)
    }
  }

  /** Bytes of all segments of all logs. */
  totalBytes(): number {
    let total = 0
    for (const log of this.logs.values()) total += log.sizeInBytes()
    return total
  }

  /**
   * One round of log maintenance, which the broker runs every log.retention.check.interval.ms:
   * for each log, retention (segments below the log start offset always; expired ones under
   * cleanup.policy=delete), then a compaction pass under cleanup.policy=compact when one is due.
   * Logs of topics `cleanupConfigOf` does not know are left alone. A log whose maintenance fails
   * is reported and skipped. A call while a round runs joins that round.
   */
  runMaintenance(options: {
    now?: number
    cleanupConfigOf: (topic: string) => TopicCleanupConfig | undefined
  }): Promise<MaintenanceReport> {
    this.maintenance ??= this.maintainAll(options.now ?? this.now(), options.cleanupConfigOf).finally(() => {
      this.maintenance = null
    })
    return this.maintenance
  }

  /** Rewrites the checkpoint files from the logs' current state. */
  checkpoint(): Promise<void> {
    const run = async () => {
      const logs = this.allLogs()
      const entry = (log: PartitionLog, offset: number): PartitionOffset => ({topic: log.topic, partition: log.partition, offset})
      await this.recoveryPoints.write(logs.map((log) => entry(log, log.recoveryPoint)))
      await this.logStartOffsets.write(logs.map((log) => entry(log, log.logStartOffset)))
      const cleaned = logs.filter((log) => log.cleanerCheckpoint !== null)
      await this.cleanerOffsets.write(cleaned.map((log) => entry(log, log.cleanerCheckpoint!)))
    }
    const done = this.checkpointing.then(run)
    this.checkpointing = done.catch(() => {})
    return done
  }

  /**
   * Flushes and closes every log, writes the checkpoints, then the clean-shutdown marker. If
   * any of that fails the marker is not written, and the next start scans.
   */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.checkpointTimer) clearInterval(this.checkpointTimer)
    const failed = (await this.closeLogs()).find((result): result is PromiseRejectedResult => result.status === 'rejected')
    if (failed) throw failed.reason
    await this.checkpoint()
    await writeFileAtomically(this.fs, this.dataDir, join(this.dataDir, CLEAN_SHUTDOWN_FILE), Buffer.alloc(0))
  }

  private async maintainAll(
    now: number,
    cleanupConfigOf: (topic: string) => TopicCleanupConfig | undefined,
  ): Promise<MaintenanceReport> {
    const report: MaintenanceReport = {segmentsDeleted: 0, logsCompacted: 0}
    let compacted = false
    for (const log of this.allLogs()) {
      if (this.closed) break
      const config = cleanupConfigOf(log.topic)
      if (!config || this.getLog(log.topic, log.partition) !== log) continue
      try {
        report.segmentsDeleted += await log.applyRetention(
          {deleteExpired: config.cleanupPolicy.includes('delete'), retentionMs: config.retentionMs, retentionBytes: config.retentionBytes},
          now,
        )
        if (config.cleanupPolicy.includes('compact') && (await log.compact(config, now))) {
          report.logsCompacted++
          compacted = true
        }
      } catch (error) {
        // A log deleted meanwhile has nothing left to maintain.
        if (this.getLog(log.topic, log.partition) === log)
          this.logger.error(`Maintenance of ${log.dir} failed: ${error instanceof Error ? error.message : String(error)}`)
      }
    }
    if (compacted && !this.closed) await this.checkpoint()
    return report
  }

  private async loadLogs(): Promise<void> {
    const markerPath = join(this.dataDir, CLEAN_SHUTDOWN_FILE)
    const hadCleanShutdown = await this.exists(markerPath)
    const recoveryPoints = await this.readCheckpoint(this.recoveryPoints)
    const logStartOffsets = await this.readCheckpoint(this.logStartOffsets)
    const cleanerOffsets = await this.readCheckpoint(this.cleanerOffsets)
    if (hadCleanShutdown) {
      // Gone before loading starts, so a crash while loading counts as unclean (KAFKA-10471).
      await this.fs.unlink(markerPath)
      await syncDir(this.fs, this.dataDir)
    }
    const found: Array<{name: string; topic: string; partition: number}> = []
    for (const name of await this.fs.readdir(this.dataDir)) {
      const path = join(this.dataDir, name)
      if (isDeletionDirName(name)) {
        await this.fs.removeTree(path)
        continue
      }
      const parsed = parseLogDirName(name)
      if (parsed && (await this.fs.stat(path)).isDirectory()) found.push({name, ...parsed})
    }
    if (!hadCleanShutdown && found.length > 0)
      this.logger.warn(`${this.dataDir} was not shut down cleanly: checking ${found.length} log(s) past their recovery points`)
    try {
      await eachConcurrently(found, LOG_CONCURRENCY, async ({name, topic, partition}) => {
        const log = await PartitionLog.open({
          topic,
          partition,
          dir: join(this.dataDir, name),
          config: this.defaults,
          logger: this.logger,
          fs: this.fs,
          now: this.now,
          hadCleanShutdown,
          recoveryPoint: recoveryPoints.get(name),
          logStartOffset: logStartOffsets.get(name),
          cleanerCheckpoint: cleanerOffsets.get(name),
          checkpointLogStartOffset: () => this.checkpoint(),
          zeroFillBudget: this.zeroFillBudget,
        })
        this.logs.set(name, log)
      })
    } catch (error) {
      await this.closeLogs()
      this.logs.clear()
      throw error
    }
  }

  /** Closes every log, a few at a time: each close opens its index files, and 10,000 at once would run out of file descriptors. */
  private closeLogs(): Promise<PromiseSettledResult<void>[]> {
    const closing = new Limiter(LOG_CONCURRENCY)
    return Promise.allSettled(this.allLogs().map((log) => closing.run(() => log.close())))
  }

  /** A checkpoint by log directory name; a malformed one is ignored (recovery then does more work). */
  private async readCheckpoint(file: OffsetCheckpointFile): Promise<Map<string, number>> {
    try {
      const entries = await file.read()
      return new Map(entries.map(({topic, partition, offset}) => [logDirName(topic, partition), offset]))
    } catch (error) {
      if (!(error instanceof CheckpointFormatError)) throw error
      this.logger.warn(`${error.message}; ignoring it`)
      return new Map()
    }
  }

  private async exists(path: string): Promise<boolean> {
    try {
      await this.fs.stat(path)
      return true
    } catch (error) {
      if (isNotFound(error)) return false
      throw error
    }
  }
}

/** Runs `work` over `items`, `limit` at a time; after a failure starts no more, then throws it. */
async function eachConcurrently<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failed = false
  const worker = async () => {
    while (!failed && next < items.length) {
      try {
        await work(items[next++])
      } catch (error) {
        failed = true
        throw error
      }
    }
  }
  const results = await Promise.allSettled(Array.from({length: Math.min(limit, items.length)}, worker))
  const failure = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')
  if (failure) throw failure.reason
}
