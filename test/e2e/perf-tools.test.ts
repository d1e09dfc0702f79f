/**
 * producer-perf-test, consumer-perf-test and end-to-end-latency against a real daemon, with
 * small runs: the lines match Kafka's formats, the numbers add up, and bad command lines fail
 * with one error and exit 2. Nothing here asserts speed.
 */
import {writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

let daemon: Daemon
const run = (args: string[]) => kbus(args, {home: daemon.home, timeout: 45_000})

const NUMBER = String.raw`\d+\.\d+`
const PRODUCER_SUMMARY = new RegExp(
  String.raw`^(\d+) records sent, ${NUMBER} records/sec \(${NUMBER} MB/sec\), ${NUMBER} ms avg latency, ${NUMBER} ms max latency, ` +
    String.raw`\d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.$`,
)
const DATE = String.raw`\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}:\d{3}`
const DECIMAL4 = String.raw`\d+\.\d{4}`
/** A rate: Java prints NaN or Infinity when no time passed (a run shorter than a millisecond). */
const RATE = String.raw`(?:\d+\.\d{4}|NaN|Infinity)`
const CONSUMER_HEADER =
  'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec'
const CONSUMER_ROW = new RegExp(
  String.raw`^${DATE}, ${DATE}, (${DECIMAL4}), ${RATE}, (\d+), ${RATE}, (\d+), (\d+), ${RATE}, ${RATE}$`,
)

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '')
}

/** An error a user reads: one "Error:" line, possibly followed by one hint line. */
function expectUsageError(result: {exitCode: number; stdout: string; stderr: string}, message: RegExp): void {
  expect(result.exitCode).toBe(2)
  expect(result.stdout).toBe('')
  expect(result.stderr).toMatch(message)
  expect(lines(result.stderr).filter((line) => line.startsWith('Error:'))).toHaveLength(1)
}

beforeAll(async () => {
  daemon = await startDaemon()
})

afterAll(async () => {
  await daemon?.remove()
})

describe('producer-perf-test', () => {
  it("sends --num-records records and prints Kafka's summary line", async () => {
    await run(['topics', 'create', '--topic', 'perf-produce', '--partitions', '3'])
    const result = await run(['producer-perf-test', '--topic', 'perf-produce', '--num-records', '3000', '--record-size', '100', '--throughput', '-1'])
    expect(result.stderr).toBe('')
    expect(result.exitCode).toBe(0)
    const [summary] = lines(result.stdout)
    expect(summary).toMatch(PRODUCER_SUMMARY)
    expect(PRODUCER_SUMMARY.exec(summary)![1]).toBe('3000')

    const offsets = await run(['get-offsets', '--topic', 'perf-produce'])
    const total = lines(offsets.stdout).reduce((sum, line) => sum + Number(line.split(':')[2]), 0)
    expect(total).toBe(3000)
  })

  it('honours --command-property (several pairs after one flag) and --throughput, and prints the metrics', async () => {
    const result = await run([
      'producer-perf-test', '--topic', 'perf-props', '--num-records', '200', '--record-size', '10', '--throughput', '1000',
      '--command-property', 'acks=1', 'linger.ms=0', 'compression.type=gzip', '--print-metrics',
    ])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const output = lines(result.stdout)
    expect(output[0]).toMatch(PRODUCER_SUMMARY)
    expect(output[1]).toMatch(/^Metric Name\s+Value$/)
    expect(output).toContain('producer-metrics:record-send-total:{client-id=perf-producer-client}  : 200.000')
  })

  it('with --warmup-records, prints a second summary of the records sent after the warmup, as Kafka 4.1+ does', async () => {
    const result = await run([
      'producer-perf-test', '--topic', 'perf-warmup', '--num-records', '300', '--record-size', '10', '--throughput', '-1',
      '--warmup-records', '100', '--reporting-interval', '1',
    ])
    expect(result.exitCode).toBe(0)
    const output = lines(result.stdout)
    expect(output[0]).toBe('Warmup first 100 records. Steady state results will print after the complete test summary.')
    expect(output).toContain('In steady state.')
    expect(output.at(-2)).toMatch(PRODUCER_SUMMARY)
    expect(output.at(-2)).toMatch(/^300 records sent, \d+\.\d{6} records\/sec/)
    expect(output.at(-1)).toMatch(/^200 steady state records sent, \d+\.\d{6} records\/sec \(.* ms 99\.9th\.$/)
    expectUsageError(
      await run(['producer-perf-test', '--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--warmup-records', '10']),
      /--warmup-records must be strictly fewer than the number of records in the test/,
    )
  })

  it('still takes --producer-props, Kafka\'s older name, with Kafka\'s warning', async () => {
    const result = await run(['producer-perf-test', '--topic', 'perf-old', '--num-records', '10', '--record-size', '10', '--throughput', '-1', '--producer-props', 'acks=1'])
    expect(result.exitCode).toBe(0)
    expect(lines(result.stdout)[0]).toMatch(PRODUCER_SUMMARY)
    expect(result.stderr).toBe('Warning: --producer-props is deprecated and will be removed in a future version. Use --command-property instead.\n')
  })

  it('gives the final numbers as one JSON object with --json', async () => {
    const result = await run(['producer-perf-test', '--topic', 'perf-json', '--num-records', '500', '--record-size', '20', '--throughput', '-1', '--json'])
    expect(result.exitCode).toBe(0)
    const summary = JSON.parse(result.stdout)
    expect(summary).toMatchObject({records: 500, latencyPercentilesMs: {p50: expect.any(Number), p999: expect.any(Number)}})
    expect(summary.recordsPerSec).toBeGreaterThan(0)
  })

  it('sends payloads picked from --payload-file', async () => {
    const file = join(daemon.home, 'payloads.txt')
    writeFileSync(file, 'red;green;blue;')
    const result = await run([
      'producer-perf-test', '--topic', 'perf-file', '--num-records', '30', '--payload-file', file, '--payload-delimiter', ';', '--throughput', '-1',
    ])
    expect(result.exitCode).toBe(0)
    expect(lines(result.stdout).slice(0, 2)).toEqual([`Reading payloads from: ${file}`, 'Number of messages read: 3'])
    expect(lines(result.stdout)[2]).toMatch(PRODUCER_SUMMARY)
    const consumed = await run(['console-consumer', '--topic', 'perf-file', '--from-beginning', '--max-messages', '30'])
    expect(new Set(lines(consumed.stdout))).toEqual(new Set(['red', 'green', 'blue']))
  })

  it('sends inside transactions with --transactional-id, committing each once --transaction-duration-ms old', async () => {
    // 2,000 records at 4,000 a second take half a second: several 100 ms transactions.
    const result = await run(['producer-perf-test', '--topic', 'perf-txn', '--num-records', '2000', '--record-size', '20', '--throughput', '4000',
      '--transactional-id', 'perf-txn-id', '--transaction-duration-ms', '100'])
    expect(result.exitCode).toBe(0)
    expect(lines(result.stdout)[0]).toMatch(PRODUCER_SUMMARY)
    const committed = await run(['console-consumer', '--topic', 'perf-txn', '--from-beginning', '--isolation-level', 'read_committed', '--timeout-ms', '2000'])
    expect(lines(committed.stdout)).toHaveLength(2000)
    // Each commit left a marker after the records: more than one transaction ran.
    const end = Number(/:(\d+)$/.exec((await run(['get-offsets', '--topic', 'perf-txn'])).stdout.trim())?.[1])
    expect(end).toBeGreaterThan(2001)
    // --transaction-duration-ms alone turns transactions on too, with a generated transactional id.
    const alone = await run(['producer-perf-test', '--topic', 'perf-txn', '--num-records', '10', '--record-size', '20', '--throughput', '-1', '--transaction-duration-ms', '1000'])
    expect(alone.exitCode).toBe(0)
    expectUsageError(await run(['producer-perf-test', '--topic', 'perf-txn', '--num-records', '10', '--record-size', '20', '--throughput', '-1', '--transaction-duration-ms', '0']),
      /--transaction-duration-ms should be greater than zero/)
  })

  it('refuses bad command lines with one error and exit 2', async () => {
    const base = ['producer-perf-test', '--num-records', '10', '--throughput', '-1']
    expectUsageError(await run([...base, '--record-size', '10']), /Missing required flag topic/)
    expectUsageError(await run([...base, '--topic', 't']), /One of --record-size, --payload-file or --payload-monotonic is required/)
    expectUsageError(await run([...base, '--topic', 't', '--record-size', '10', '--payload-monotonic']), /cannot be used together/)
    expectUsageError(await run([...base, '--topic', 't', '--record-size', '10', '--command-property', 'acks=2']), /Invalid value 2 for configuration acks/)
    expectUsageError(await run([...base, '--topic', 't', '--record-size', '10', '--command-property', 'acks=1', '--producer-props', 'acks=1']), /--producer-props|--command-property/)
    expectUsageError(await run(['producer-perf-test', '--topic', 't', '--num-records', '10', '--record-size', '10', '--throughput', 'fast']), /Invalid --throughput 'fast'/)
  })
})

describe('consumer-perf-test', () => {
  beforeAll(async () => {
    await run(['topics', 'create', '--topic', 'perf-consume', '--partitions', '2'])
    const produced = await run(['producer-perf-test', '--topic', 'perf-consume', '--num-records', '2000', '--record-size', '50', '--throughput', '-1'])
    expect(produced.exitCode).toBe(0)
  })

  it('reads every topic an --include pattern matches', async () => {
    await run(['producer-perf-test', '--topic', 'perf-include', '--num-records', '500', '--record-size', '50', '--throughput', '-1'])
    const result = await run(['consumer-perf-test', '--include', 'perf-(consume|include)', '--num-records', '2500', '--hide-header'])
    expect(result.exitCode).toBe(0)
    expect(CONSUMER_ROW.exec(lines(result.stdout)[0])![2]).toBe('2500')
    expect((await run(['consumer-perf-test', '--include', 'perf-none', '--num-records', '1'])).exitCode).toBe(1)
  })

  it("prints the consumer metrics it measures with --print-metrics, and takes Kafka's --socket-buffer-size", async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '100', '--print-metrics', '--socket-buffer-size', '65536'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const output = lines(result.stdout)
    expect(CONSUMER_ROW.exec(output[1])![2]).toBe('100')
    expect(output[2]).toMatch(/^Metric Name\s+Value$/)
    expect(output).toContain('consumer-fetch-manager-metrics:records-consumed-total:{client-id=perf-consumer-client} : 100.000')
    expect(output.some((line) => /^consumer-fetch-manager-metrics:bytes-consumed-rate:\{client-id=perf-consumer-client\} +: \d+\.\d{3}$/.test(line))).toBe(true)
  })

  it('consumes a topic created after it started that matches --include', async () => {
    await run(['producer-perf-test', '--topic', 'grow-a', '--num-records', '100', '--record-size', '50', '--throughput', '-1'])
    const args = ['--include', 'grow-.*', '--group', 'grow-group', '--num-records', '200', '--timeout', '60000', '--hide-header']
    const consuming = run(['consumer-perf-test', ...args, '--command-property', 'metadata.max.age.ms=200'])
    await waitFor(async () => (await run(['consumer-groups', '--list'])).stdout.includes('grow-group'), {what: 'the group to form'})
    await run(['producer-perf-test', '--topic', 'grow-b', '--num-records', '100', '--record-size', '50', '--throughput', '-1'])
    const result = await consuming
    expect(result.exitCode).toBe(0)
    expect(CONSUMER_ROW.exec(lines(result.stdout)[0])![2]).toBe('200')
  })

  it("reads --num-records records and prints Kafka's header and summary row", async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '2000'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('')
    const [header, row, ...rest] = lines(result.stdout)
    expect(header).toBe(CONSUMER_HEADER)
    expect(rest).toEqual([])
    const [, megabytes, messages, rebalance] = CONSUMER_ROW.exec(row)!
    expect(messages).toBe('2000')
    expect(megabytes).toBe(((2000 * 50) / 1024 / 1024).toFixed(4))
    expect(rebalance).toBe('0')
  })

  it("still takes Kafka 3's --messages, with Kafka 4's deprecation warning on stderr", async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--messages', '300', '--hide-header'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe('Warning: --messages is deprecated. Use --num-records instead.\n')
    const output = lines(result.stdout)
    expect(output).toHaveLength(1)
    expect(CONSUMER_ROW.exec(output[0])![2]).toBe('300')
  })

  it('joins a group with --group, and hides the header with --hide-header', async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '500', '--group', 'perf-readers', '--hide-header'])
    expect(result.exitCode).toBe(0)
    const output = lines(result.stdout)
    expect(output).toHaveLength(1)
    expect(CONSUMER_ROW.exec(output[0])![2]).toBe('500')
    const groups = await run(['consumer-groups', '--list'])
    expect(lines(groups.stdout)).toContain('perf-readers')
  })

  it('prints interval rows instead of the summary with --show-detailed-stats', async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '2000', '--show-detailed-stats', '--reporting-interval', '1'])
    expect(result.exitCode).toBe(0)
    const [header, ...rows] = lines(result.stdout)
    expect(header).toBe(
      'time, threadId, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec',
    )
    for (const row of rows) expect(row).toMatch(new RegExp(String.raw`^${DATE}, 0, ${DECIMAL4}, ${RATE}, \d+, ${RATE}, \d+, -?\d+, ${DECIMAL4}, ${DECIMAL4}$`))
  })

  it("warns as Kafka does when fewer records arrive before --timeout, and still reports what it read", async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '5000', '--timeout', '1000', '--hide-header'])
    expect(result.exitCode).toBe(0)
    expect(result.stderr).toBe(
      'WARNING: Exiting before consuming the expected number of messages: timeout (1000 ms) exceeded. You can use the --timeout option to increase the timeout.\n',
    )
    expect(CONSUMER_ROW.exec(lines(result.stdout)[0])![2]).toBe('2000')
  })

  it('gives the summary as JSON with --json', async () => {
    const result = await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '100', '--json'])
    expect(result.exitCode).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({messages: 100, rebalanceTimeMs: 0, dataConsumedMB: expect.any(Number)})
  })

  it('fails on a missing topic (exit 1) and on a bad command line (exit 2)', async () => {
    const missing = await run(['consumer-perf-test', '--topic', 'no-such-topic', '--num-records', '10'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stdout).toBe('')
    expect(missing.stderr).toMatch(/^Error: Topic 'no-such-topic' does not exist/)
    expectUsageError(await run(['consumer-perf-test', '--topic', 'perf-consume']), /^Error: Exactly one of the following must be provided: --messages, --num-records\n/)
    expectUsageError(
      await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '1', '--messages', '1']),
      /--(num-records|messages) cannot also be provided when using --(messages|num-records)/,
    )
    expectUsageError(await run(['consumer-perf-test', '--topic', 'perf-consume', '--num-records', '1', '--date-format', 'yyyy-ww']), /Date format letter 'w'/)
  })
})

describe('end-to-end-latency', () => {
  const RESULT = [/^Avg latency: \d+\.\d{4} ms$/, /^Percentiles: 50th = \d+, 99th = \d+, 99\.9th = \d+$/]

  it('creates a missing topic, times each round trip and prints the average and percentiles', async () => {
    const result = await run(['end-to-end-latency', '--topic', 'latency', '--num-messages', '50'])
    expect(result.exitCode).toBe(0)
    const output = lines(result.stdout)
    expect(output[0]).toBe('Topic "latency" does not exist. Will create topic with 1 partition(s) and replication factor = 1')
    expect(output[1]).toMatch(/^0\t\d+\.\d+$/)
    expect(output[2]).toMatch(RESULT[0])
    expect(output[3]).toMatch(RESULT[1])
    expect(output).toHaveLength(4)
  })

  it("takes Kafka's positional arguments", async () => {
    const result = await run(['end-to-end-latency', daemon.bootstrap, 'latency', '20', 'all', '64'])
    expect(result.exitCode).toBe(0)
    const output = lines(result.stdout)
    expect(output[0]).toMatch(/^0\t\d+\.\d+$/)
    expect(output.slice(1)).toHaveLength(2)
    output.slice(1).forEach((line, index) => expect(line).toMatch(RESULT[index]))
  })

  it('refuses asynchronous acks and incomplete arguments with exit 2', async () => {
    expectUsageError(
      await run(['end-to-end-latency', daemon.bootstrap, 'latency', '20', '0', '64']),
      /Latency testing requires synchronous acknowledgement\. Please use 1 or all/,
    )
    expectUsageError(await run(['end-to-end-latency', daemon.bootstrap, 'latency', '20']), /Expected 5 or 6 arguments, got 3/)
    expectUsageError(await run(['end-to-end-latency', '--topic', 'latency']), /Missing --num-messages/)
  })
})
