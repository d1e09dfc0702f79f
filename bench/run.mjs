#!/usr/bin/env node
/**
 * `npm run bench`: kbus (this checkout's dist) against Apache Kafka 4.3.1 with the same load
 * generators, and NATS JetStream and Redis Streams with their own tools, in one invocation.
 *
 * Each round starts every server fresh (empty data dir), which is also where cold start and idle
 * memory are measured; a fresh JVM per measurement would cost Kafka's ~3–8 s start-up dozens of
 * times. Within a round each measurement runs on kbus and on Kafka back to back, the first of the
 * pair alternating by round and measurement so that drift on a shared machine cancels out.
 * Results: bench/results.json and bench/RESULTS.md (a --quick run writes to bench/.cache/quick/
 * instead), and README's Performance section after a full run.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, release, totalmem} from 'node:os'
import {join} from 'node:path'
import {benchNats, benchRedis} from './lib/alternatives.mjs'
import {startKafka, startKbus} from './lib/brokers.mjs'
import {ensureTools} from './lib/install.mjs'
import * as load from './lib/kafka-loads.mjs'
import {Samples, checkTargets, tabulate} from './lib/metrics.mjs'
import {memoryOf, run, sleep} from './lib/procs.mjs'
import {renderResultsMarkdown} from './lib/report.mjs'
import {BENCH_CACHE, BENCH_DIR, NATSCLI_VERSION, REPO_ROOT, USAGE, UsageError, parseArgs} from './lib/settings.mjs'
import {END_MARKER, START_MARKER, syncReadme} from './readme-table.mjs'

/** Let a fresh broker finish its start-up chores before its idle memory is read. */
const IDLE_SETTLE_MS = 3_000
const KAFKA_VERSION = '4.3.1'

const began = Date.now()
const log = (line) => process.stderr.write(`[bench ${((Date.now() - began) / 1000).toFixed(0).padStart(4)} s] ${line}\n`)

async function main() {
  const options = parseArgs(process.argv.slice(2))
  if (!existsSync(join(REPO_ROOT, 'dist', 'commands'))) throw new Error('dist/ is missing: npm run bench builds it first (npm run build)')
  const tools = await ensureTools(log)
  const samples = new Samples()
  const notes = [...tools.notes]

  for (let round = 0; round < options.runs; round++) {
    log(`round ${round + 1} of ${options.runs}: kbus and Apache Kafka`)
    await kafkaWireRound({round, options, tools, samples})
    const alternatives = [
      ['nats', tools.natsCli ? () => benchNats({round, natsCli: tools.natsCli, profile: options, record: recorder(samples, 'nats', round)}) : null],
      ['redis', tools.redis ? () => benchRedis({round, profile: options, record: recorder(samples, 'redis', round)}) : null],
    ]
    if (round % 2 === 1) alternatives.reverse()
    for (const [system, bench] of alternatives) {
      if (!bench) continue
      log(`round ${round + 1}: ${system}`)
      try {
        await bench()
      } catch (error) {
        notes.push(`${system} round ${round + 1} stopped: ${error.message}`)
        log(`${system} failed: ${error.message}`)
      }
    }
  }

  const metrics = tabulate(samples)
  const results = {meta: describeRun(options, tools, notes), metrics, targets: checkTargets(metrics)}
  const outDir = options.name === 'quick' ? join(BENCH_CACHE, 'quick') : BENCH_DIR
  mkdirSync(outDir, {recursive: true})
  writeFileSync(join(outDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  writeFileSync(join(outDir, 'RESULTS.md'), renderResultsMarkdown(results))
  log(`wrote ${join(outDir, 'RESULTS.md')} and results.json`)
  if (options.name !== 'quick' && options.readme) {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')
    if (readme.includes(START_MARKER) && readme.includes(END_MARKER)) {
      syncReadme()
      log("rewrote README.md's Performance section")
    } else log(`README.md has no ${START_MARKER} markers: its Performance section was left alone`)
  }
  const missed = results.targets.filter((target) => target.pass === false).length
  log(`done in ${((Date.now() - began) / 60_000).toFixed(1)} min; ${missed} target(s) missed`)
}

/** One round of kbus vs Apache Kafka: start both, idle figures, CLI, then every load measurement as a pair. */
async function kafkaWireRound({round, options, tools, samples}) {
  const order = round % 2 === 0 ? ['kbus', 'kafka'] : ['kafka', 'kbus']
  const brokers = {}
  const record = (metric, system, sample) => samples.add(metric, system, {round, ...sample})
  const failed = (metric, system, error) => {
    samples.add(metric, system, {round, error: error.message})
    log(`${metric} on ${system} failed: ${error.message}`)
  }
  try {
    for (const system of order) {
      try {
        brokers[system] = system === 'kbus' ? await startKbus(round) : await startKafka(round, tools.kafkaClasspath)
        record('cold-start', system, {value: brokers[system].coldStartMs})
        log(`${system} ready in ${Math.round(brokers[system].coldStartMs)} ms`)
      } catch (error) {
        failed('cold-start', system, error)
      }
    }
    const running = order.filter((system) => brokers[system])
    await sleep(IDLE_SETTLE_MS)
    for (const system of running) {
      const memory = memoryOf(brokers[system].pid)
      if (memory) record('rss-idle', system, {value: memory.rssMB})
    }

    for (const system of running) await cliTimings(system, brokers[system], options, tools, record, failed)

    const topics = ['warmup', 'e2e']
    for (const generator of ['java', 'kcat']) for (const size of [100, 1024]) for (const acks of ['1', 'all']) topics.push(`${generator}-${size}-acks${acks}`)
    for (const system of running) {
      await load.createTopics({helperClasspath: tools.helperClasspath, bootstrap: brokers[system].bootstrap, topics})
      // Untimed: lets the JIT of both brokers (the JVM's and V8's) see the produce and fetch paths once.
      const warm = {classpath: tools.kafkaClasspath, bootstrap: brokers[system].bootstrap, topic: 'warmup', records: options.warmupRecords, size: 100, timeoutMs: options.runTimeoutMs}
      await load.javaProduce({...warm, acks: '1'})
      await load.kcatConsume(warm)
    }

    let pairIndex = 0
    const pair = async (metric, measure) => {
      const first = (round + pairIndex++) % 2 === 0 ? running : [...running].reverse()
      for (const system of first) {
        await run('sync', [], {timeoutMs: 120_000})
        try {
          record(metric, system, await measure(brokers[system], system))
        } catch (error) {
          failed(metric, system, error)
        }
      }
    }
    const base = (broker, extra) => ({classpath: tools.kafkaClasspath, bootstrap: broker.bootstrap, timeoutMs: options.runTimeoutMs, ...extra})
    for (const generator of ['java', 'kcat'])
      for (const size of [100, 1024])
        for (const acks of ['1', 'all']) {
          const topic = `${generator}-${size}-acks${acks}`
          log(`produce ${topic}`)
          const produce = generator === 'java' ? load.javaProduce : load.kcatProduce
          await pair(`produce-${topic}`, (broker) => produce(base(broker, {topic, records: options.records[generator][size], size, acks})))
        }
    for (const generator of ['java', 'kcat'])
      for (const size of [100, 1024]) {
        log(`consume ${generator} ${size} B`)
        const topic = `${generator}-${size}-acks1`
        const consume = generator === 'java' ? load.javaConsume : load.kcatConsume
        await pair(`consume-${generator}-${size}`, (broker) => consume(base(broker, {topic, records: options.records[generator][size], size, group: `perf-${size}`})))
      }

    log(`end-to-end latency at ${options.e2e.rate} records/s`)
    const e2eOrder = round % 2 === 0 ? running : [...running].reverse()
    for (const system of e2eOrder) {
      await run('sync', [], {timeoutMs: 120_000})
      try {
        const figures = await load.endToEnd({helperClasspath: tools.helperClasspath, bootstrap: brokers[system].bootstrap, topic: 'e2e',
          ...options.e2e, timeoutMs: (options.e2e.seconds + options.e2e.warmupSeconds) * 1000 + options.runTimeoutMs})
        record('e2e-p50', system, {value: figures.p50})
        record('e2e-p99', system, {value: figures.p99})
        record('e2e-p999', system, {value: figures.p999, detail: `max ${figures.max} ms`})
      } catch (error) {
        for (const metric of ['e2e-p50', 'e2e-p99', 'e2e-p999']) failed(metric, system, error)
      }
    }

    for (const system of running) {
      const memory = memoryOf(brokers[system].pid)
      if (memory) record('rss-peak', system, {value: memory.peakMB})
    }
  } finally {
    for (const system of Object.keys(brokers)) await brokers[system].stop()
  }
}

/** CLI wall times: kbus over its Unix socket (its default) against kafka-topics' TopicCommand JVM. */
async function cliTimings(system, broker, options, tools, record, failed) {
  const calls = system === 'kbus'
    ? [['cli-topics-list', () => load.kbusTopicsList(broker.env)], ['cli-help', () => load.kbusHelp(broker.env)]]
    : [['cli-topics-list', () => load.kafkaTopicsList(tools.kafkaClasspath, broker.bootstrap)], ['cli-help', () => load.kafkaTopicsHelp(tools.kafkaClasspath)]]
  for (let i = 0; i < options.cliRepeats[system]; i++)
    for (const [metric, call] of calls) {
      try {
        record(metric, system, {value: await call()})
      } catch (error) {
        failed(metric, system, error)
      }
    }
}

/** @param {Samples} samples @param {string} system @param {number} round */
function recorder(samples, system, round) {
  return (metric, sample) => samples.add(metric, system, {round, ...sample})
}

function describeRun(options, tools, notes) {
  // Version banners go to stdout or stderr depending on the tool (java -version uses stderr).
  const quiet = (file, args) => {
    const result = spawnSync(file, args, {encoding: 'utf8', timeout: 20_000})
    return `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() || 'unknown'
  }
  const firstLine = (text) => text.split('\n')[0]
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU'
  const commit = quiet('git', ['-C', REPO_ROOT, 'rev-parse', '--short', 'HEAD'])
  const dirty = spawnSync('git', ['-C', REPO_ROOT, 'status', '--porcelain', '--', 'src', 'commands', 'bin'], {encoding: 'utf8'}).stdout?.trim() ? ' with uncommitted changes in src/commands/bin' : ''
  const {records, e2e} = options
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    command: `npm run bench${options.name === 'quick' ? ' -- --quick' : ''}${options.runs !== (options.name === 'quick' ? 1 : 3) ? ` -- --runs ${options.runs}` : ''}`,
    profile: options.name,
    runs: options.runs,
    machine: {
      cpu: cpuModel,
      cores: cpus().length,
      memory: `${Math.round(totalmem() / 2 ** 30)} GiB`,
      kernel: release(),
    },
    versions: {
      kbus: `${JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version} (${commit}${dirty}), Node ${process.version}`,
      'Apache Kafka': `${KAFKA_VERSION} (kafka_2.13 from Maven Central), ${firstLine(quiet('java', ['-version']))}`,
      kcat: /Version (\S+).*?(librdkafka \S+)/.exec(quiet('kcat', ['-V']))?.slice(1).join(', ') ?? 'unknown',
      'nats-server': tools.natsCli ? `${firstLine(quiet('nats-server', ['--version']))}, natscli ${NATSCLI_VERSION}` : 'not run',
      redis: tools.redis ? firstLine(quiet('redis-server', ['--version'])) : 'not run',
    },
    settings: {records, warmupRecords: options.warmupRecords, e2e, cliRepeats: options.cliRepeats},
    method: [
      'Servers: every round starts kbus (`kbus server start --daemon --port P`, defaults, a fresh KBUS_HOME), Apache Kafka (one KRaft node, `kafka.Kafka` with kafka-server-start.sh\'s JVM flags -Xmx1G -Xms1G G1, Kafka\'s shipped server.properties values apart from data dir and ports), nats-server -js and redis-server fresh, all on loopback and the same disk. One partition per topic.',
      `Order: within a round each measurement runs on kbus and on Kafka back to back; which goes first alternates by round and by measurement. \`sync\` runs before each one so earlier writes are not flushed during it. A ${options.warmupRecords.toLocaleString('en-US')}-record produce and consume warms both brokers up first (not counted).`,
      `Produce: one partition. Java: ${records.java[100].toLocaleString('en-US')} records of 100 B and ${records.java[1024].toLocaleString('en-US')} of 1 KB with ProducerPerformance with the tool's defaults and acks (Kafka 4: linger.ms=5, batch.size=16384, idempotence on for acks=all); its records/sec. kcat: ${records.kcat[100].toLocaleString('en-US')} and ${records.kcat[1024].toLocaleString('en-US')} prepared lines with \`kcat -P -l <file>\` and -X acks, librdkafka defaults; records over the process's wall time, the partition's end offset checked after. NATS and Redis: ${records.native[100].toLocaleString('en-US')} and ${records.native[1024].toLocaleString('en-US')}.`,
      'Consume: the acks=1 topic read from the beginning. Java: ConsumerPerformance in a fresh group, its fetch.nMsg.sec (the group join left out). kcat: `kcat -C -o beginning -e -X queued.min.messages=10000000` (librdkafka 2.0.2 otherwise pauses ~500 ms whenever 100,000 records are queued, which a faster broker triggers more often), records over wall time.',
      `End-to-end: bench/KafkaBenchTool.java (kafka-clients ${KAFKA_VERSION}) sends ${e2e.rate.toLocaleString('en-US')} records/s of ${e2e.size} B open-loop for ${e2e.warmupSeconds} s warm-up + ${e2e.seconds} s, acks=1, linger.ms=0; a consumer in the same JVM takes now − scheduled send time (nanoTime in the payload), so stalls are counted.`,
      'Cold start: launch until `kcat -L` gets metadata naming a broker (port polled every 10 ms). For kbus the launch is the `server start --daemon` command; for Kafka the broker JVM (its one-time StorageTool format is not counted).',
      `CLI: wall time of \`kbus topics list\` (Unix socket, its default) and \`kbus --help\`, ${options.cliRepeats.kbus}× per round, against kafka-topics.sh's TopicCommand \`--list\` and \`--help\` in a JVM with kafka-run-class.sh's flags, ${options.cliRepeats.kafka}× per round.`,
      'Memory: VmRSS of the broker process after start plus a 3 s settle; peak = VmHWM at the end of the round.',
      'Durability: kbus acks=all answers after an fsync shared by concurrent requests (group commit), acks=1 after the write reaches the OS; Apache Kafka never fsyncs by default (flush.messages/flush.ms unset), so its acks=all equals acks=1 on one node. NATS JetStream acknowledges after writing to the OS and fsyncs every 2 min by default (`nats bench js pub async`, batch 500, file store; reads by `nats bench js ordered`); it is only in the acks=1 rows. Redis: AOF with appendfsync everysec (acks=1 row) and always (acks=all row); `redis-benchmark -c 50 -P 16 XADD s * f <payload>`; reads are XRANGE of 100 entries (records/s = requests/s × 100).',
    ],
    notes,
  }
}

main().catch((error) => {
  if (error instanceof UsageError) {
    console.error(error.message)
    process.exit(error.message === USAGE ? 0 : 2)
  }
  log(`failed: ${error.stack ?? error.message}`)
  process.exit(1)
})
