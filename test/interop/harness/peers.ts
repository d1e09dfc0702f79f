/**
 * Fetches the clients no one here wrote, each from its own registry through its ordinary client,
 * into test/.cache: kcat from Debian (apt-get, as root in CI), confluent-kafka from PyPI
 * (pip --target), Apache Kafka's Java clients, tools and broker from Maven Central (mvn over a
 * generated pom), @platformatic/kafka and the Node 22 it needs from npm (node22.mjs, npm install
 * into the cache). kafkajs is a devDependency. Each is fetched once; a stamp file records the version.
 */
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {run, runOk} from './process.js'
import {ensureKafkaJars} from './kafka-jars.mjs'
import {type Node22Peer, ensureNode22} from '../node22.mjs'
import {CACHE_DIR, CONFLUENT_KAFKA_VERSION} from './settings.js'

const pending = new Map<string, Promise<unknown>>()

/** One fetch per peer per run, however many scenarios ask. */
function once<T>(name: string, fetch: () => Promise<T>): Promise<T> {
  let promise = pending.get(name) as Promise<T> | undefined
  if (!promise) pending.set(name, (promise = fetch()))
  return promise
}

/** The kcat binary, installed from Debian's packages when the machine lacks it. */
export function ensureKcat(): Promise<string> {
  return once('kcat', async () => {
    if ((await run('sh', ['-c', 'command -v kcat'])).exitCode === 0) return 'kcat'
    if (process.getuid?.() !== 0) throw new Error('kcat is not installed and installing it needs root: apt-get install kcat')
    await runOk('apt-get', ['update', '-q'], {timeoutMs: 300_000})
    await runOk('apt-get', ['install', '-y', '-q', 'kcat'], {timeoutMs: 300_000, env: {...process.env, DEBIAN_FRONTEND: 'noninteractive'} as Record<string, string>})
    return 'kcat'
  })
}

/** A directory for PYTHONPATH holding confluent-kafka (its wheel bundles librdkafka). */
export function ensureConfluentKafka(): Promise<string> {
  return once('confluent-kafka', async () => {
    const target = join(CACHE_DIR, `python-confluent-kafka-${CONFLUENT_KAFKA_VERSION}`)
    const stamp = join(target, '.complete')
    if (existsSync(stamp)) return target
    mkdirSync(target, {recursive: true})
    await runOk('python3', ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '--no-input',
      '--target', target, `confluent-kafka==${CONFLUENT_KAFKA_VERSION}`], {timeoutMs: 300_000})
    writeFileSync(stamp, `${CONFLUENT_KAFKA_VERSION}\n`)
    return target
  })
}

/**
 * A classpath glob with kafka-clients, kafka-tools (the console producer and consumer,
 * kafka-topics, kafka-get-offsets, kafka-consumer-groups …), kafka_2.13 (the broker itself,
 * its StorageTool and kafka-configs' ConfigCommand) and their runtime dependencies; the Maven
 * step lives in kafka-jars.mjs, which the benchmark (bench/) shares.
 */
export function ensureKafkaJava(): Promise<string> {
  return once('kafka-java', () => ensureKafkaJars(CACHE_DIR))
}

/**
 * @platformatic/kafka with a Node 22 to run it, installed by npm into the cache rather than the
 * project's node_modules (node22.mjs: .ci/run fetches the same pair for its Node 22 run).
 */
export function ensurePlatformatic(): Promise<Node22Peer> {
  return once('platformatic', ensureNode22)
}

/** kafkajs comes from node_modules (a devDependency); its version is read from its package.json. */
export function kafkajsVersion(): string {
  const manifest = new URL('../../../node_modules/kafkajs/package.json', import.meta.url)
  if (!existsSync(manifest)) throw new Error('kafkajs is missing from node_modules: run npm ci')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as {version: string}).version
}
