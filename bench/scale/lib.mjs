/**
 * What the scale benchmarks share: a kbus checkout to run (this one by default, or --root DIR
 * for an A/B against another build), its daemon in a temp KBUS_HOME, CLI timings, the daemon's
 * RSS, and a client from that checkout's dist/ to drive the broker with many topics per request.
 */
import {spawnSync} from 'node:child_process'
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join, resolve} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'
import {summarize} from '../lib/metrics.mjs'
import {memoryOf} from '../lib/procs.mjs'

export {summarize}

const here = fileURLToPath(new URL('.', import.meta.url))

/** `--name value` pairs from argv, with defaults. */
export function parseArgs(defaults) {
  const args = {...defaults}
  const argv = process.argv.slice(2)
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '')
    if (!(name in defaults)) throw new Error(`Unknown option --${name}; known: ${Object.keys(defaults).join(', ')}`)
    args[name] = typeof defaults[name] === 'number' ? Number(argv[i + 1]) : argv[i + 1]
  }
  return args
}

export function kbusRoot(root) {
  return resolve(root || join(here, '..', '..'))
}

export function tempHome(prefix = 'kbus-scale-') {
  return mkdtempSync(join(process.env.KBUS_BENCH_TMP ?? tmpdir(), prefix))
}

/** Runs `kbus ...args` from `root` against `home`; returns exit code, output and wall time in ms. */
export function kbus(root, home, args, {allowFailure = false} = {}) {
  const started = process.hrtime.bigint()
  const result = spawnSync(process.execPath, [join(root, 'bin', 'run.js'), ...args], {
    env: {...process.env, KBUS_HOME: home, NO_COLOR: '1'},
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  })
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0 && !allowFailure)
    throw new Error(`kbus ${args.join(' ')} exited ${result.status}:\n${result.stderr}${result.stdout.slice(0, 2000)}`)
  return {ms, status: result.status, stdout: result.stdout, stderr: result.stderr}
}

/** `kbus server start --daemon`: the wall time until it reports ready, and the daemon's pid. */
export function startDaemon(root, home, extra = []) {
  const run = kbus(root, home, ['server', 'start', '--daemon', '--port', '0', '--wait-timeout', '600', ...extra])
  const pid = Number(/\(pid (\d+)\)/.exec(run.stdout)?.[1])
  return {ms: run.ms, pid}
}

export function stopDaemon(root, home) {
  return kbus(root, home, ['server', 'stop']).ms
}

/** The process's resident set size in MB (10^6 bytes, as bench/RESULTS.md counts them). */
export function residentMb(pid) {
  return memoryOf(pid).rssMB
}

/** How many file descriptors the process holds open. */
export function openFiles(pid) {
  return spawnSync('ls', [`/proc/${pid}/fd`], {encoding: 'utf8'}).stdout.split('\n').filter(Boolean).length
}

/** Runs `work` `times` times; the median and the range, in ms. */
export async function timed(times, work) {
  const samples = []
  for (let i = 0; i < times; i++) {
    const started = process.hrtime.bigint()
    await work()
    samples.push(Number(process.hrtime.bigint() - started) / 1e6)
  }
  return summarize(samples)
}

export function formatRange({median, min, max}) {
  return `${median.toFixed(0)} ms (${min.toFixed(0)}–${max.toFixed(0)})`
}

/** A Cluster and Admin from `root`'s dist/, connected over the daemon's Unix socket. */
export async function openClient(root, home) {
  const {Cluster} = await import(pathToFileURL(join(root, 'dist', 'src', 'client', 'cluster.js')).href)
  const {Admin} = await import(pathToFileURL(join(root, 'dist', 'src', 'client', 'admin.js')).href)
  const cluster = new Cluster({
    bootstrapServers: [],
    socketPath: join(home, 'kbus.sock'),
    clientId: 'kbus-scale-bench',
    softwareName: 'kbus-bench',
    softwareVersion: '0',
    requestTimeoutMs: 600_000,
    connectTimeoutMs: 10_000,
  })
  return {cluster, admin: new Admin(cluster)}
}

/** A module of `root`'s dist/ (protocol messages, the record encoder). */
export function distModule(root, path) {
  return import(pathToFileURL(join(root, 'dist', 'src', path)).href)
}
