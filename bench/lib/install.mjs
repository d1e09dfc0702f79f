/**
 * Everything the benchmark runs besides kbus, installed on first use through each tool's own
 * registry client and cached: Apache Kafka's jars (Maven, shared with the interop suite in
 * test/.cache), nats-server and redis from Debian (apt-get, as root), the `nats` CLI for
 * `nats bench` (go install from the Go module proxy into bench/.cache), and the benchmark's own
 * Java helper compiled against Kafka's clients. A peer that cannot be installed is skipped with a
 * note in the results, never silently.
 */
import {createHash} from 'node:crypto'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {ensureKafkaJars} from '../../test/interop/harness/kafka-jars.mjs'
import {run, runOk} from './procs.mjs'
import {BENCH_CACHE, BENCH_DIR, NATSCLI_VERSION, REPO_ROOT} from './settings.mjs'

const TEST_CACHE = join(REPO_ROOT, 'test', '.cache')
const APT_PACKAGES = ['nats-server', 'redis-server', 'redis-tools']
const JAVA_HELPER = join(BENCH_DIR, 'KafkaBenchTool.java')

/**
 * @typedef {{
 *   kafkaClasspath: string,
 *   helperClasspath: string,
 *   natsCli: string | null,
 *   natsServer: boolean,
 *   redis: boolean,
 *   notes: string[],
 * }} Tools
 */

/** @param {(line: string) => void} log @returns {Promise<Tools>} */
export async function ensureTools(log) {
  mkdirSync(BENCH_CACHE, {recursive: true})
  const notes = []
  for (const tool of ['java', 'javac', 'kcat']) {
    if (!(await onPath(tool))) throw new Error(`${tool} is not installed; the benchmark needs it for the Kafka load generators`)
  }
  log('Apache Kafka jars (Maven Central, cached in test/.cache)…')
  const kafkaClasspath = await ensureKafkaJars(TEST_CACHE)
  const helperClasspath = await compileHelper(kafkaClasspath)

  await ensureAptPackages(log, notes)
  const natsServer = await onPath('nats-server')
  const redis = (await onPath('redis-server')) && (await onPath('redis-benchmark')) && (await onPath('redis-cli'))
  if (!natsServer) notes.push('NATS JetStream skipped: nats-server is not installed and apt-get could not install it.')
  if (!redis) notes.push('Redis Streams skipped: redis-server/redis-benchmark are not installed and apt-get could not install them.')
  const natsCli = natsServer ? await ensureNatsCli(log, notes) : null
  return {kafkaClasspath, helperClasspath, natsCli, natsServer, redis, notes}
}

/** @param {string} tool */
async function onPath(tool) {
  return (await run('sh', ['-c', `command -v ${tool}`], {timeoutMs: 10_000})).exitCode === 0
}

/** @param {(line: string) => void} log @param {string[]} notes */
async function ensureAptPackages(log, notes) {
  const missing = []
  for (const [pkg, binary] of [['nats-server', 'nats-server'], ['redis-server', 'redis-server'], ['redis-tools', 'redis-benchmark']])
    if (!(await onPath(binary))) missing.push(pkg)
  if (missing.length === 0) return
  if (process.getuid?.() !== 0) {
    notes.push(`apt-get install ${missing.join(' ')} needs root; those peers are skipped.`)
    return
  }
  log(`apt-get install ${missing.join(' ')}…`)
  const env = {...process.env, DEBIAN_FRONTEND: 'noninteractive'}
  const update = await run('apt-get', ['update', '-q'], {timeoutMs: 300_000, env})
  const install = update.exitCode === 0 ? await run('apt-get', ['install', '-y', '-q', ...APT_PACKAGES], {timeoutMs: 600_000, env}) : update
  if (install.exitCode !== 0) notes.push(`apt-get failed (${install.stderr.trim().split('\n').pop()}); peers it would have installed are skipped.`)
}

/**
 * `nats bench` comes with natscli, which Debian does not package: built by `go install` into the
 * cache, once per pinned version.
 * @param {(line: string) => void} log @param {string[]} notes
 */
async function ensureNatsCli(log, notes) {
  const binDir = join(BENCH_CACHE, `natscli-${NATSCLI_VERSION}`)
  const binary = join(binDir, 'nats')
  if (existsSync(binary)) return binary
  if (!(await onPath('go'))) {
    notes.push('NATS JetStream skipped: `nats bench` needs the nats CLI and Go is not installed to build it.')
    return null
  }
  log(`go install github.com/nats-io/natscli/nats@${NATSCLI_VERSION}…`)
  const result = await run('go', ['install', `github.com/nats-io/natscli/nats@${NATSCLI_VERSION}`], {timeoutMs: 600_000, env: {...process.env, GOBIN: binDir}})
  if (result.exitCode !== 0 || !existsSync(binary)) {
    notes.push(`NATS JetStream skipped: go install natscli@${NATSCLI_VERSION} failed: ${result.stderr.trim().split('\n').pop()}`)
    return null
  }
  return binary
}

/** KafkaBenchTool.java compiled once per source version against Kafka's clients. */
async function compileHelper(kafkaClasspath) {
  const source = readFileSync(JAVA_HELPER)
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16)
  const out = join(BENCH_CACHE, 'java', hash)
  const stamp = join(out, '.complete')
  if (!existsSync(stamp)) {
    mkdirSync(out, {recursive: true})
    await runOk('javac', ['-nowarn', '-cp', kafkaClasspath, '-d', out, JAVA_HELPER], {timeoutMs: 180_000})
    writeFileSync(stamp, `${hash}\n`)
  }
  return `${out}:${kafkaClasspath}`
}
