/**
 * kbus's own CLI as the suite's fixture: it creates topics, seeds records and is the reference
 * reader every client's writes are checked against (it is also a column of the matrix).
 */
import type {Daemon} from '../../e2e/helpers/index.js'
import {BIN, cliEnv, kbus} from '../../e2e/helpers/index.js'
import {LongRunning} from './process.js'
import type {OutRecord, ReadRecord} from './records.js'

export const NULL_MARKER = '<NULL>'

/** The console producers' line format (Kafka's LineMessageReader): headers, key, value, tab-separated. */
export function producerLines(records: readonly OutRecord[]): string {
  return records
    .map((record) => {
      const headers = record.headers.length === 0 ? NULL_MARKER : record.headers.map(([k, v]) => `${k}:${v}`).join(',')
      return `${headers}\t${record.key ?? NULL_MARKER}\t${record.value ?? NULL_MARKER}\n`
    })
    .join('')
}

export const LINE_READER_PROPERTIES = ['parse.key=true', 'parse.headers=true', `null.marker=${NULL_MARKER}`]

export class KbusReference {
  constructor(private readonly daemon: Daemon) {}

  async cli(args: string[], input?: string): Promise<string> {
    const result = await kbus(args, {home: this.daemon.home, input, timeout: 60_000})
    if (result.exitCode !== 0)
      throw new Error(`kbus ${args.slice(0, 2).join(' ')} exited ${result.exitCode}: ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`)
    return result.stdout
  }

  /** A kbus command that runs until stopped (a console-consumer group member), its stdout lines collected. */
  spawn(args: string[]): LongRunning {
    return new LongRunning(process.execPath, [BIN, ...args], {env: cliEnv(this.daemon.home)})
  }

  async createTopic(topic: string, partitions = 1, configs: Record<string, string> = {}): Promise<string> {
    await this.cli(['topics', 'create', '--topic', topic, '--partitions', String(partitions),
      ...Object.entries(configs).flatMap(([name, value]) => ['--config', `${name}=${value}`])])
    return topic
  }

  async seed(topic: string, records: readonly OutRecord[]): Promise<void> {
    const args = ['console-producer', '--topic', topic, ...LINE_READER_PROPERTIES.flatMap((p) => ['--property', p])]
    await this.cli(args, producerLines(records))
  }

  /** Everything in a partition from the start, until `count` records or `idleMs` without one. */
  async readAll(topic: string, count: number, partition = 0, idleMs = 10_000): Promise<ReadRecord[]> {
    const out = await this.cli([
      'console-consumer', '--topic', topic, '--partition', String(partition), '--offset', 'earliest',
      '--max-messages', String(count), '--timeout-ms', String(idleMs), '--json',
    ])
    return parseKbusJsonLines(out)
  }
}

interface KbusJsonRecord {
  partition: number
  offset: number | string
  timestamp: number | string
  key: string | null
  keyEncoding?: string
  value: string | null
  valueEncoding?: string
  headers: Array<{key: string; value: string | null; valueEncoding?: string}>
}

export function parseKbusJsonLines(out: string): ReadRecord[] {
  return out
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => {
      const json = JSON.parse(line) as KbusJsonRecord
      return {
        partition: json.partition,
        offset: Number(json.offset),
        timestamp: Number(json.timestamp),
        key: decoded(json.key, json.keyEncoding),
        value: decoded(json.value, json.valueEncoding),
        headers: json.headers.map((h): [string, string] => [h.key, decoded(h.value, h.valueEncoding) ?? '<null header>']),
      }
    })
}

function decoded(text: string | null, encoding: string | undefined): string | null {
  if (text === null) return null
  return encoding === 'base64' ? Buffer.from(text, 'base64').toString('utf8') : text
}
