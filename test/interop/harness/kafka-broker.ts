/**
 * A single-node Apache Kafka 4.x broker for "the other direction": kbus's own commands pointed at
 * real Kafka. One JVM is both broker and controller (KRaft); its storage is formatted by Kafka's
 * StorageTool under a fresh cluster id in a temp dir, and both listeners bind loopback ports that
 * were free a moment before. It is ready when it logs that it started, and it never outlives the
 * suite's process.
 */
import {randomBytes} from 'node:crypto'
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {type ResultPromise, execa} from 'execa'
import {lastLines, runOk} from './process.js'

export interface KafkaBroker {
  /** "127.0.0.1:port", the PLAINTEXT listener. */
  readonly bootstrap: string
  /** log.dirs: the partition directories (`<topic>-<partition>`) Kafka writes. */
  readonly dataDir: string
  /** The broker's own log, for a failure's explanation. */
  logTail(): string
  stop(): Promise<void>
}

const STORAGE_TOOL = 'kafka.tools.StorageTool'
const BROKER_MAIN = 'kafka.Kafka'
/** Logged by KafkaRaftServer once the broker is unfenced and serving. */
const STARTED_LINE = 'Kafka Server started'
const START_DEADLINE_MS = 60_000
/** Another process can take a port between our probe and the JVM's bind: try again on new ones. */
const BIND_ATTEMPTS = 3

const running = new Set<ResultPromise>()

export async function startKafkaBroker(classpath: string): Promise<KafkaBroker> {
  let lastError: Error | undefined
  for (let attempt = 1; attempt <= BIND_ATTEMPTS; attempt++) {
    try {
      return await startOnce(classpath)
    } catch (error) {
      lastError = error as Error
      if (!(error instanceof PortTaken)) throw error
    }
  }
  throw lastError!
}

class PortTaken extends Error {}

async function startOnce(classpath: string): Promise<KafkaBroker> {
  const dir = mkdtempSync(join(tmpdir(), 'kbus-interop-kafka-'))
  const [port, controllerPort] = await freePorts(2)
  const properties = join(dir, 'server.properties')
  const logFile = join(dir, 'server.log')
  const dataDir = join(dir, 'data')
  writeFileSync(properties, serverProperties(port!, controllerPort!, dataDir))
  const jvm = (heap: string, main: string, args: string[]) => [
    heap, '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Djava.awt.headless=true',
    `-Dorg.slf4j.simpleLogger.logFile=${logFile}`, '-cp', classpath, main, ...args,
  ]
  await runOk('java', jvm('-Xmx256m', STORAGE_TOOL, ['format', '--cluster-id', clusterId(), '--config', properties]), {timeoutMs: 60_000})

  const child = execa('java', jvm('-Xmx512m', BROKER_MAIN, [properties]), {stdio: 'ignore', reject: false})
  running.add(child)
  if (running.size === 1) process.once('exit', killLeftovers)
  let exited = false
  void child.then(() => {
    exited = true
    running.delete(child)
  })
  const logTail = () => (existsSync(logFile) ? lastLines(readFileSync(logFile, 'utf8'), 6) : '(no log)')
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await child
      clearTimeout(timer)
    }
    rmSync(dir, {recursive: true, force: true})
  }

  const deadline = Date.now() + START_DEADLINE_MS
  while (!(existsSync(logFile) && readFileSync(logFile, 'utf8').includes(STARTED_LINE))) {
    const log = existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''
    if (exited || Date.now() > deadline || /Address already in use/.test(log)) {
      const tail = logTail()
      await stop()
      if (/Address already in use/.test(log)) throw new PortTaken(`Apache Kafka could not bind port ${port} or ${controllerPort}: ${tail}`)
      throw new Error(`Apache Kafka ${exited ? 'exited' : `did not start within ${START_DEADLINE_MS / 1000} s`}: ${tail}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return {bootstrap: `127.0.0.1:${port}`, dataDir, logTail, stop}
}

/** Kafka's combined-mode minimum, every replication factor 1, no group join delay. */
function serverProperties(port: number, controllerPort: number, logDir: string): string {
  return `${[
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    `log.dirs=${logDir}`,
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
  ].join('\n')}\n`
}

/** Kafka's Uuid text: 16 random bytes, URL-safe base64 without padding, never starting with '-' (a flag to its CLI). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({length: count}, () => new Promise<ReturnType<typeof createServer>>((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server))
  })))
  const ports = servers.map((server) => (server.address() as {port: number}).port)
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))))
  return ports
}

function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL')
}
