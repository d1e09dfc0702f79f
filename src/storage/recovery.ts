/**
 * Loading a partition's log from disk (Kafka's LogLoader). Interrupted deletions and compaction
 * swaps are finished or undone first, then each segment is opened: after a clean shutdown, or
 * below the recovery point, its indexes are trusted once they pass a sanity check; otherwise
 * every batch is validated and the indexes rebuilt. A torn tail is cut off with a warning (zero-
 * filled space after the last batch, quietly); damage with sound data after it stops the start-up.
 */
import {join} from 'node:path'
import {StorageCorruptionError} from './errors.js'
import {FAULT_DESCRIPTIONS, type BatchFault} from './file-records.js'
import {
  CLEANED_SUFFIX,
  DELETED_SUFFIX,
  INDEX_SUFFIX,
  LOG_SUFFIX,
  SWAP_SUFFIX,
  TIME_INDEX_SUFFIX,
  parseSegmentFileName,
  segmentFileName,
} from './file-names.js'
import {type StorageFs, isNotFound, syncDir} from './fs.js'
import type {LogConfig} from './log-config.js'
import {LogSegment} from './segment.js'

/** What storage logs: the daemon's logger fits. */
export interface StorageLogger {
  info(message: string): void
  warn(message: string): void
  error(message: string): void
}

export interface LoadParams {
  fs: StorageFs
  dir: string
  config: LogConfig
  logger: StorageLogger
  now: number
  /** The clean-shutdown marker was present: every segment was flushed and closed properly. */
  hadCleanShutdown: boolean
  /** From the recovery-point checkpoint: every offset below it was flushed. Absent: nothing was. */
  recoveryPoint?: number
  /** From the log-start-offset checkpoint. */
  logStartOffset?: number
}

export interface LoadedLog {
  segments: LogSegment[]
  logStartOffset: number
  recoveryPoint: number
}

export async function loadLog(params: LoadParams): Promise<LoadedLog> {
  const {fs, dir, logger} = params
  const baseOffsets = await removeTemporaryFiles(fs, dir, logger)
  const segments: LogSegment[] = []
  try {
    for (const baseOffset of baseOffsets) segments.push(await LogSegment.open(fs, dir, baseOffset))
    await recoverSegments(segments, params)
    if (segments.length === 0) {
      // A new log (or one whose files were lost): its directory is synced with its first data.
      const first = await LogSegment.create(fs, dir, params.logStartOffset ?? 0)
      first.deferDirectorySync()
      segments.push(first)
    }
  } catch (error) {
    await Promise.allSettled(segments.map((segment) => segment.close()))
    throw error
  }
  const active = segments[segments.length - 1]
  await active.startRollTimer(params.now)
  const logEndOffset = active.nextOffset
  const firstOffset = segments[0].baseOffset
  return {
    segments,
    logStartOffset: Math.min(Math.max(params.logStartOffset ?? firstOffset, firstOffset), logEndOffset),
    recoveryPoint: params.hadCleanShutdown ? logEndOffset : Math.min(params.recoveryPoint ?? 0, logEndOffset),
  }
}

/**
 * Finishes or undoes what a crash interrupted, then deletes index files without a .log; returns
 * the base offsets of the segments, oldest first. `.deleted` files were on their way out and
 * `.cleaned` ones were a compaction copy not yet committed: both go. A `<base>.log.swap` is a
 * committed copy: it replaces the segment of the same base offset (Kafka's LogLoader passes 1-3).
 */
async function removeTemporaryFiles(fs: StorageFs, dir: string, logger: StorageLogger): Promise<number[]> {
  const names = await fs.readdir(dir)
  const swaps = new Map<number, string[]>()
  for (const name of names) {
    if (name.endsWith(DELETED_SUFFIX) || name.endsWith(CLEANED_SUFFIX)) {
      await fs.unlink(join(dir, name))
      continue
    }
    if (!name.endsWith(SWAP_SUFFIX)) continue
    const parsed = parseSegmentFileName(name.slice(0, -SWAP_SUFFIX.length))
    if (!parsed) continue
    swaps.set(parsed.baseOffset, [...(swaps.get(parsed.baseOffset) ?? []), name])
  }
  for (const [baseOffset, swapNames] of swaps) await completeSwap(fs, dir, baseOffset, swapNames, logger)
  if (swaps.size > 0) await syncDir(fs, dir)

  const logs = new Set<number>()
  const indexes: Array<{name: string; baseOffset: number}> = []
  for (const name of swaps.size > 0 ? await fs.readdir(dir) : names) {
    const parsed = parseSegmentFileName(name)
    if (!parsed) continue
    if (parsed.suffix === LOG_SUFFIX) logs.add(parsed.baseOffset)
    else if (parsed.suffix === INDEX_SUFFIX || parsed.suffix === TIME_INDEX_SUFFIX) indexes.push({name, baseOffset: parsed.baseOffset})
  }
  for (const index of indexes) if (!logs.has(index.baseOffset)) await fs.unlink(join(dir, index.name))
  return [...logs].sort((a, b) => a - b)
}

/**
 * Puts the `.swap` files of one segment in place of the old ones. Index files are caches: one
 * whose `.swap` is gone (or never came) is rebuilt later; without the `.log.swap` the swap never
 * committed, so stray index `.swap` files just go.
 */
async function completeSwap(fs: StorageFs, dir: string, baseOffset: number, swapNames: string[], logger: StorageLogger): Promise<void> {
  const logSwap = segmentFileName(baseOffset, LOG_SUFFIX) + SWAP_SUFFIX
  if (!swapNames.includes(logSwap)) {
    for (const name of swapNames) await fs.unlink(join(dir, name))
    return
  }
  for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, LOG_SUFFIX]) await unlinkIfPresent(fs, join(dir, segmentFileName(baseOffset, suffix)))
  // The .log last: until it is in place, the .log.swap still says what to finish.
  for (const name of [...swapNames.filter((name) => name !== logSwap), logSwap])
    await fs.rename(join(dir, name), join(dir, name.slice(0, -SWAP_SUFFIX.length)))
  logger.warn(`Completed the interrupted swap of the compacted segment ${join(dir, segmentFileName(baseOffset, LOG_SUFFIX))}`)
}

async function unlinkIfPresent(fs: StorageFs, path: string): Promise<void> {
  try {
    await fs.unlink(path)
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
}

async function recoverSegments(segments: LogSegment[], params: LoadParams): Promise<void> {
  const {config, logger} = params
  const recoveryPoint = params.recoveryPoint ?? 0
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]
    const isLast = i === segments.length - 1
    const offsetLimit = isLast ? Number.MAX_SAFE_INTEGER : segments[i + 1].baseOffset
    // Kafka's rule: from the segment holding the recovery point on, nothing is known to be flushed.
    const unflushed = !params.hadCleanShutdown && offsetLimit > recoveryPoint
    if (!unflushed) {
      if (!(await segment.loadIndexes(offsetLimit))) {
        logger.warn(`Rebuilding the indexes of ${segment.logPath}: missing or failing their sanity check`)
      } else if (!isLast || (await segment.loadNextOffset())) {
        continue
      }
    }
    // The segment holding the recovery point is checked only from there on.
    const holdsRecoveryPoint = unflushed && segment.baseOffset < recoveryPoint
    const {validBytes, fault} =
      (holdsRecoveryPoint ? await segment.recoverFrom(recoveryPoint, config.indexIntervalBytes) : null) ??
      (await segment.recover(config.indexIntervalBytes))
    if (!fault) continue
    if (await segment.isZeroFrom(validBytes)) {
      // Zero-filled space a crash left past the data: no batch was ever there.
      const zeros = segment.size - validBytes
      await segment.truncateTo(validBytes)
      logger.info(`Cut ${zeros} zero-filled bytes after the last batch of ${segment.logPath}`)
      continue
    }
    await cutTornTail(segments, i, validBytes, fault, unflushed, logger)
    return
  }
}

/**
 * Truncates segment `i` at `position` and drops every later segment, unless that would lose data
 * that was flushed or is followed by sound batches: then it refuses with the file and position.
 */
async function cutTornTail(
  segments: LogSegment[],
  i: number,
  position: number,
  fault: BatchFault,
  unflushed: boolean,
  logger: StorageLogger,
): Promise<void> {
  const segment = segments[i]
  const problem = FAULT_DESCRIPTIONS[fault]
  if (!unflushed)
    throw new StorageCorruptionError(segment.logPath, position, `${problem}, in data that was flushed to disk before`)
  const sound = await findSoundBatchAfter(segments, i, position)
  if (sound)
    throw new StorageCorruptionError(
      segment.logPath,
      position,
      `${problem}, followed by a sound batch at byte position ${sound.position} of ${sound.file}`,
    )
  const dropped = segments.splice(i + 1)
  const droppedBytes = segment.size - position + dropped.reduce((sum, later) => sum + later.size, 0)
  await segment.truncateTo(position)
  for (const later of dropped) await later.delete()
  logger.warn(
    `Truncated the torn tail of ${segment.logPath} at byte position ${position} (${problem}): ` +
      `${droppedBytes} bytes dropped${dropped.length > 0 ? ` with ${dropped.length} later segment(s)` : ''}; ` +
      `the log now ends at offset ${segment.nextOffset}`,
  )
}

async function findSoundBatchAfter(
  segments: LogSegment[],
  i: number,
  position: number,
): Promise<{file: string; position: number} | null> {
  const here = await segments[i].findSoundBatch(position + 1)
  if (here !== null) return {file: segments[i].logPath, position: here}
  for (const later of segments.slice(i + 1)) {
    const there = await later.findSoundBatch(0)
    if (there !== null) return {file: later.logPath, position: there}
  }
  return null
}
