/**
 * The two Kafka-protocol brokers under test, each started fresh (empty data dir) for a round:
 * kbus from this checkout's dist with defaults (plus the rebalance delay Kafka's shipped file sets), and Apache Kafka as one KRaft node with
 * kafka-server-start.sh's JVM flags and Kafka's shipped server.properties values apart from the
 * data dir and ports. Cold start is measured the same way for both: from launching the process
 * to the first metadata answer kcat gets on the TCP listener.
 */
import {randomBytes} from 'node:crypto'
import {closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {connect, createServer} from 'node:net'
import {join} from 'node:path'
import {adopt, disown, run, runOk, sleep, startServer, tail} from './procs.mjs'
import {BENCH_CACHE, KAFKA_BROKER_JVM, KAFKA_CLI_JVM, KBUS_BIN} from './settings.mjs'

const READY_DEADLINE_MS = 120_000

/**
 * @typedef {{
 *   system: 'kbus' | 'kafka',
 *   bootstrap: string,
 *   pid: number,
 *   coldStartMs: number,
 *   env: NodeJS.ProcessEnv,
 *   stop(): Promise<void>,
 * }} Broker
 */

/** @param {number} round @returns {Promise<Broker>} */
export async function startKbus(round) {
  const home = freshDir(`kbus-r${round}`)
  const [port] = await freePorts(1)
  const env = {...process.env, KBUS_HOME: home}
  const started = performance.now()
  // The one setting of Kafka's shipped server.properties that differs from kbus's defaults, so
  // both brokers run the same configuration (ConsumerPerformance's group join included).
  const sameAsKafka = ['--override', 'group.initial.rebalance.delay.ms=0']
  const launch = run(process.execPath, [KBUS_BIN, 'server', 'start', '--daemon', '--port', String(port), ...sameAsKafka, '--wait-timeout', '60'], {env, timeoutMs: 90_000})
  const ready = waitForMetadata(`127.0.0.1:${port}`, started, () => false)
  const launched = await launch
  if (launched.exitCode !== 0) throw new Error(`kbus server start failed: ${tail(launched.stderr || launched.stdout)}`)
  const pid = Number(JSON.parse(readFileSync(join(home, 'kbus.pid'), 'utf8')).pid)
  adopt(pid, 'kbus daemon')
  const coldStartMs = await ready
  return {
    system: 'kbus',
    bootstrap: `127.0.0.1:${port}`,
    pid,
    coldStartMs,
    env,
    async stop() {
      const stopped = await run(process.execPath, [KBUS_BIN, 'server', 'stop'], {env, timeoutMs: 60_000})
      if (stopped.exitCode !== 0) process.kill(pid, 'SIGKILL')
      disown(pid)
      rmSync(home, {recursive: true, force: true})
    },
  }
}

/** @param {number} round @param {string} classpath @returns {Promise<Broker>} */
export async function startKafka(round, classpath) {
  const dir = freshDir(`kafka-r${round}`)
  const [port, controllerPort] = await freePorts(2)
  const properties = join(dir, 'server.properties')
  writeFileSync(properties, kafkaServerProperties(port, controllerPort, join(dir, 'data')))
  // Formatting the storage is a one-time setup step kbus does not have; it is not part of the cold start.
  await runOk('java', [...KAFKA_CLI_JVM, '-cp', classpath, 'kafka.tools.StorageTool', 'format', '--cluster-id', clusterId(), '--config', properties], {timeoutMs: 120_000})

  const logFd = openSync(join(dir, 'server.log'), 'a')
  const started = performance.now()
  const server = startServer('java', [...KAFKA_BROKER_JVM, '-cp', classpath, 'kafka.Kafka', properties], {logFd})
  closeSync(logFd)
  const logTail = () => tail(readFileSync(join(dir, 'server.log'), 'utf8'), 8)
  let coldStartMs
  try {
    coldStartMs = await waitForMetadata(`127.0.0.1:${port}`, started, () => !server.running)
  } catch (error) {
    await server.stop(5_000)
    throw new Error(`Apache Kafka did not come up: ${error.message}; its log: ${logTail()}`)
  }
  return {
    system: 'kafka',
    bootstrap: `127.0.0.1:${port}`,
    pid: server.pid,
    coldStartMs,
    env: process.env,
    async stop() {
      await server.stop()
      rmSync(dir, {recursive: true, force: true})
    },
  }
}

/**
 * Kafka's shipped config/server.properties for one combined KRaft node, on loopback ports: every
 * internal topic at replication factor 1 and no initial rebalance delay, as that file sets them.
 */
function kafkaServerProperties(port, controllerPort, logDir) {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ].join('\n')}\n`
}

/**
 * Milliseconds from `started` until kcat gets metadata naming a broker: the port is polled every
 * 10 ms (cheap), kcat asked once it accepts.
 * @param {string} bootstrap @param {number} started @param {() => boolean} gaveUp
 */
async function waitForMetadata(bootstrap, started, gaveUp) {
  const [host, port] = bootstrap.split(':')
  while (performance.now() - started < READY_DEADLINE_MS) {
    if (gaveUp()) throw new Error('the process exited')
    if (await accepts(host, Number(port))) {
      const probe = await run('kcat', ['-L', '-b', bootstrap, '-m', '2'], {timeoutMs: 10_000})
      if (probe.exitCode === 0 && / 1 brokers:/.test(probe.stdout)) return performance.now() - started
    }
    await sleep(10)
  }
  throw new Error(`no metadata from ${bootstrap} within ${READY_DEADLINE_MS / 1000} s`)
}

function accepts(host, port) {
  return new Promise((resolve) => {
    const socket = connect({host, port})
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

/** An empty bench/.cache/run/<name>, for one server's files in one round. */
export function freshDir(name) {
  const dir = join(BENCH_CACHE, 'run', name)
  rmSync(dir, {recursive: true, force: true})
  mkdirSync(dir, {recursive: true})
  return dir
}

/** Kafka's Uuid text: 16 random bytes, URL-safe base64 without padding, never starting with '-'. */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

/** @param {number} count @returns {Promise<number[]>} */
export async function freePorts(count) {
  const servers = await Promise.all(Array.from({length: count}, () => new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })))
  const ports = servers.map((server) => server.address().port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}
