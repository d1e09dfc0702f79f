/**
 * kafka-log-dirs' flags and its one JSON document: the same keys, in the same order, as Kafka's
 * tool prints them, so scripts written for Kafka read kbus's output unchanged.
 */
import type {BrokerLogDirs} from '../client/admin.js'
import type {KafkaError} from '../protocol/errors.js'
import {CliError, UsageError} from './errors.js'

export interface ReplicaJson {
  /** `topic-partition`, as Kafka's TopicPartition prints itself. */
  partition: string
  size: number
  offsetLag: number
  isFuture: boolean
}

export interface LogDirJson {
  partitions: ReplicaJson[]
  error: string | null
  logDir: string
}

export interface LogDirsJson {
  brokers: Array<{broker: number; logDirs: LogDirJson[]}>
  version: 1
}

/** Kafka prints the exception's class for a failed directory; these are the ones a broker reports. */
const JAVA_EXCEPTIONS: Record<string, string> = {
  KAFKA_STORAGE_ERROR: 'org.apache.kafka.common.errors.KafkaStorageException',
  UNKNOWN_SERVER_ERROR: 'org.apache.kafka.common.errors.UnknownServerException',
}

export function logDirsJson(brokers: BrokerLogDirs[]): LogDirsJson {
  return {
    brokers: brokers.map(({broker, logDirs}) => ({
      broker,
      logDirs: logDirs.map((dir) => ({
        partitions: dir.replicas.map((replica) => ({
          partition: `${replica.topic}-${replica.partition}`,
          size: replica.size,
          offsetLag: replica.offsetLag,
          isFuture: replica.isFuture,
        })),
        error: dir.error ? exceptionName(dir.error) : null,
        logDir: dir.path,
      })),
    })),
    version: 1,
  }
}

function exceptionName(error: KafkaError): string {
  return JAVA_EXCEPTIONS[error.errorName] ?? error.errorName
}

/** `--topic-list a,b`: empty entries are skipped, and no topics at all means every topic (null). */
export function parseTopicList(text: string | undefined): string[] | null {
  const topics = [...new Set(splitList(text))]
  return topics.length === 0 ? null : topics
}

/** `--broker-list 0,1,2`: broker ids, ascending; none means every broker (null). */
export function parseBrokerList(text: string | undefined): number[] | null {
  const entries = splitList(text)
  const bad = entries.find((entry) => !/^\d+$/.test(entry))
  if (bad !== undefined) throw new UsageError(`--broker-list takes broker ids such as 0,1,2, but "${bad}" is not one.`)
  const ids = [...new Set(entries.map(Number))].sort((a, b) => a - b)
  return ids.length === 0 ? null : ids
}

/** Kafka's refusal of broker ids the cluster does not have, before it asks any broker. */
export function checkBrokersExist(wanted: number[], existing: number[]): void {
  const missing = wanted.filter((id) => !existing.includes(id))
  if (missing.length > 0)
    throw new CliError(`The given brokers do not exist from --broker-list: ${missing.join(',')}. Current existent brokers: ${existing.join(',')}`, {
      hint: 'Leave --broker-list out to ask every broker in the cluster.',
    })
}

function splitList(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}
