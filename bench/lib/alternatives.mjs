/**
 * The local alternatives a developer weighs against kbus, each driven by its own benchmark tool
 * (their protocols are not Kafka's, so no shared generator exists): NATS JetStream with file
 * storage through `nats bench`, and Redis Streams through `redis-benchmark` with XADD/XRANGE.
 * Each is started fresh per round in its own dir and stopped at the end of it.
 */
import {closeSync, openSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {freePorts, freshDir} from './brokers.mjs'
import {memoryOf, run, runOk, sleep, startServer, tail} from './procs.mjs'

const REDIS_CLIENTS = '50'
const REDIS_PIPELINE = '16'
const REDIS_READ_BATCH = 100

/**
 * @typedef {import('./kafka-loads.mjs').Sample} Sample
 * @typedef {(metric: string, sample: Sample) => void} Record
 */

/**
 * JetStream, file store, one R1 stream per size: async publish (acks after the write reaches the
 * OS; JetStream fsyncs every 2 minutes by default, so this is the acks=1 counterpart), then an
 * ordered consumer reading the stream back.
 * @param {{round: number, natsCli: string, profile: import('./settings.mjs').Profile, record: Record}} args
 */
export async function benchNats({round, natsCli, profile, record}) {
  const dir = freshDir(`nats-r${round}`)
  const [port] = await freePorts(1)
  const logFd = openSync(join(dir, 'server.log'), 'a')
  const server = startServer('nats-server', ['-js', '-sd', join(dir, 'store'), '-a', '127.0.0.1', '-p', String(port)], {logFd})
  closeSync(logFd)
  const url = `nats://127.0.0.1:${port}`
  try {
    await waitFor(async () => (await run(natsCli, ['-s', url, 'account', 'info'], {timeoutMs: 5_000})).exitCode === 0, () => server.running)
    sampleIdle(server.pid, record)
    for (const size of [100, 1024]) {
      const records = profile.records.native[size]
      const stream = `bench${size}`
      const js = ['-s', url, 'bench', 'js']
      const shared = ['--stream', stream, '--msgs', String(records), '--size', String(size), '--no-progress']
      const pub = await runOk(natsCli, [...js, 'pub', 'async', `bench.${size}`, ...shared, '--create', '--storage', 'file', '--maxbytes', '4GB', '--batch', '500'], {timeoutMs: profile.runTimeoutMs})
      record(`produce-native-${size}-acks1`, natsRate(pub.stdout + pub.stderr, size))
      const sub = await runOk(natsCli, [...js, 'ordered', ...shared], {timeoutMs: profile.runTimeoutMs})
      record(`consume-native-${size}`, natsRate(sub.stdout + sub.stderr, size))
    }
    sampleLoaded(server.pid, record)
  } catch (error) {
    throw new Error(`${error.message}; nats-server log: ${tail(readFileSync(join(dir, 'server.log'), 'utf8'))}`)
  } finally {
    await server.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

/** "… stats: 135,642 msgs/sec ~ 13 MiB/sec …" → records/s and MB/s. */
export function natsRate(output, size) {
  const match = /stats: ([\d,]+) msgs\/sec/.exec(output)
  if (!match) throw new Error(`nats bench printed no rate: ${tail(output)}`)
  const value = Number(match[1].replaceAll(',', ''))
  return {value, mbPerSec: (value * size) / (1024 * 1024)}
}

/**
 * Redis Streams with AOF on: XADD of one field holding the payload, pipelined by
 * redis-benchmark; appendfsync everysec is the acks=1 counterpart, appendfsync always (fsync
 * before the reply) the acks=all one. Reads are XRANGE of 100 entries (records/s = requests/s × 100).
 * @param {{round: number, profile: import('./settings.mjs').Profile, record: Record}} args
 */
export async function benchRedis({round, profile, record}) {
  const dir = freshDir(`redis-r${round}`)
  const [port] = await freePorts(1)
  const logFd = openSync(join(dir, 'server.log'), 'a')
  const server = startServer('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '',
    '--appendonly', 'yes', '--appendfsync', 'everysec', '--protected-mode', 'no'], {logFd})
  closeSync(logFd)
  const cli = (...args) => runOk('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {timeoutMs: 30_000})
  const benchmark = (requests, ...command) => runOk('redis-benchmark', ['-h', '127.0.0.1', '-p', String(port), '-n', String(requests),
    '-c', REDIS_CLIENTS, '-P', REDIS_PIPELINE, '--csv', ...command], {timeoutMs: profile.runTimeoutMs})
  try {
    await waitFor(async () => (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), 'ping'], {timeoutMs: 5_000})).stdout.includes('PONG'), () => server.running)
    sampleIdle(server.pid, record)
    for (const [acks, fsync] of [['1', 'everysec'], ['all', 'always']]) {
      await cli('CONFIG', 'SET', 'appendfsync', fsync)
      for (const size of [100, 1024]) {
        const records = profile.records.native[size]
        const result = await benchmark(records, 'XADD', `s${size}-${acks}`, '*', 'f', 'A'.repeat(size))
        const value = redisRps(result.stdout)
        record(`produce-native-${size}-acks${acks}`, {value, mbPerSec: (value * size) / (1024 * 1024)})
      }
    }
    for (const size of [100, 1024]) {
      const requests = Math.max(1, Math.round(profile.records.native[size] / REDIS_READ_BATCH))
      const result = await benchmark(requests, 'XRANGE', `s${size}-1`, '-', '+', 'COUNT', String(REDIS_READ_BATCH))
      const value = redisRps(result.stdout) * REDIS_READ_BATCH
      record(`consume-native-${size}`, {value, mbPerSec: (value * size) / (1024 * 1024)})
    }
    sampleLoaded(server.pid, record)
  } catch (error) {
    throw new Error(`${error.message}; redis-server log: ${tail(readFileSync(join(dir, 'server.log'), 'utf8'))}`)
  } finally {
    await server.stop()
    rmSync(dir, {recursive: true, force: true})
  }
}

/** redis-benchmark --csv: a header row, then "command","rps",… */
export function redisRps(csv) {
  const row = csv.trim().split('\n').find((line) => !line.startsWith('"test"'))
  const value = Number(row?.split('","')[1])
  if (!Number.isFinite(value)) throw new Error(`redis-benchmark printed no rate: ${tail(csv)}`)
  return value
}

function sampleIdle(pid, record) {
  const memory = memoryOf(pid)
  if (memory) record('rss-idle', {value: memory.rssMB})
}

function sampleLoaded(pid, record) {
  const memory = memoryOf(pid)
  if (memory) record('rss-peak', {value: memory.peakMB})
}

async function waitFor(ready, alive, deadlineMs = 30_000) {
  const deadline = Date.now() + deadlineMs
  while (Date.now() < deadline) {
    if (!alive()) throw new Error('the server exited')
    if (await ready()) return
    await sleep(50)
  }
  throw new Error(`not ready within ${deadlineMs / 1000} s`)
}
