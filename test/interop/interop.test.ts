/**
 * `npm run test:interop`: fetches the peers, starts one kbus daemon, runs every scenario for every
 * client family, prints the client × scenario matrix and writes it to test/interop/MATRIX.md.
 * Then the other direction: kbus's own commands against a second kbus daemon and against an
 * Apache Kafka broker, compared step by step (the second table).
 * A failure fails the run unless KNOWN_FAILURES lists it.
 *
 * INTEROP_ONLY=<id>,<id>… runs only those rows (the second table's as cli/<id>) and prints their
 * matrix without writing MATRIX.md or the README, for working on a scenario.
 */
import {rmSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, test, type TestContext} from 'vitest'
import {type Daemon, makeTempHome, startDaemon} from '../e2e/helpers/index.js'
import {CLI_SCENARIOS} from './cli-scenarios.js'
import {ConfluentClient} from './clients/confluent.js'
import {JavaClient} from './clients/java.js'
import {KafkajsClient} from './clients/kafkajs.js'
import {KbusCliClient} from './clients/kbus.js'
import {KcatClient} from './clients/kcat.js'
import {PlatformaticClient} from './clients/platformatic.js'
import {CliSession, type CliTarget, assertSameTranscript} from './harness/cli-session.js'
import {type InteropClient, Unsupported} from './harness/client.js'
import {type KafkaBroker, startKafkaBroker} from './harness/kafka-broker.js'
import {type FaultyBroker, startFaultyBroker} from './harness/faulty-broker.js'
import {KbusReference} from './harness/kbus-reference.js'
import {Matrix} from './harness/matrix.js'
import {ensureKafkaJava} from './harness/peers.js'
import {KAFKA_JAVA_VERSION} from './harness/settings.js'
import {KNOWN_FAILURES} from './known-failures.js'
import {writeCompatibilitySection} from './readme-table.mjs'
import {type SuiteContext, scenarios} from './scenarios.js'

/** Matrix columns, in the order the brief sets them up: fastest to fetch first. */
const CLIENT_NAMES = ['kcat', 'kafkajs', '@platformatic/kafka', 'confluent-kafka', 'java', 'kbus CLI'] as const
/** The second table's columns: the brokers kbus's own commands are pointed at. */
const AGAINST_KBUS = 'kbus CLI → kbus'
const AGAINST_KAFKA = 'kbus CLI → Apache Kafka'
/** A scenario stops by itself well inside vitest's own test timeout. */
const SCENARIO_DEADLINE_MS = 100_000

const ONLY = process.env.INTEROP_ONLY?.split(',').map((id) => id.trim()).filter((id) => id.length > 0)
const selected = <T extends {id: string}>(rows: readonly T[], prefix = '') => rows.filter((row) => !ONLY || ONLY.includes(`${prefix}${row.id}`))
const SCENARIOS = selected(scenarios(CLIENT_NAMES))
const SELECTED_CLI_SCENARIOS = selected(CLI_SCENARIOS, 'cli/')
const matrix = new Matrix(CLIENT_NAMES, SCENARIOS)
const cliMatrix = new Matrix([AGAINST_KBUS, AGAINST_KAFKA], SELECTED_CLI_SCENARIOS)
const MATRIX_FILE = new URL('MATRIX.md', import.meta.url)

let daemon: Daemon
let faulty: FaultyBroker | undefined
let ctx: SuiteContext
const clients = new Map<string, InteropClient>()
/** Column → why it could not be set up; its every cell fails with that reason. */
const setupErrors = new Map<string, string>()

let cliDaemon: Daemon | undefined
let kafka: KafkaBroker | undefined
let cliHome: string
const cliTargets = new Map<string, CliTarget>()
/** Scenario id → the kbus run's steps, the reference the Apache Kafka run is compared with. */
const referenceRuns = new Map<string, CliSession['steps']>()

beforeAll(async () => {
  daemon = await startDaemon({overrides: ['group.initial.rebalance.delay.ms=0']})
  faulty = await startFaultyBroker()
  const kbus = new KbusReference(daemon)
  const all: InteropClient[] = [
    new KcatClient(daemon.bootstrap),
    new KafkajsClient(daemon.bootstrap),
    new PlatformaticClient(daemon.bootstrap),
    new ConfluentClient(daemon.bootstrap),
    new JavaClient(daemon.bootstrap),
    new KbusCliClient(kbus),
  ]
  ctx = {daemon, kbus, clients: all, crossWrites: new Map(), faulty}
  cliHome = makeTempHome()
  // The peers download from different registries: fetch them side by side, and the brokers with them.
  await Promise.all([
    ...all.map((client) => prepare(client.name, async () => {
      clients.set(client.name, client)
      matrix.setVersion(client.name, await client.prepare())
    })),
    ...(SELECTED_CLI_SCENARIOS.length === 0 ? [] : prepareCliTargets()),
  ])
})

function prepareCliTargets(): Promise<void>[] {
  return [
    prepare(AGAINST_KBUS, async () => {
      cliDaemon = await startDaemon({overrides: ['group.initial.rebalance.delay.ms=0']})
      cliTargets.set(AGAINST_KBUS, {name: AGAINST_KBUS, bootstrap: cliDaemon.bootstrap, dataDir: join(cliDaemon.home, 'data')})
      cliMatrix.setVersion(AGAINST_KBUS, 'a kbus daemon of this build, over TCP')
    }),
    prepare(AGAINST_KAFKA, async () => {
      const classpath = await ensureKafkaJava()
      const started = Date.now()
      kafka = await startKafkaBroker(classpath)
      console.log(`interop: Apache Kafka broker formatted and started in ${((Date.now() - started) / 1000).toFixed(1)} s`)
      cliTargets.set(AGAINST_KAFKA, {name: AGAINST_KAFKA, bootstrap: kafka.bootstrap, dataDir: kafka.dataDir})
      cliMatrix.setVersion(AGAINST_KAFKA, `Apache Kafka ${KAFKA_JAVA_VERSION} (kafka_2.13 from Maven Central), one KRaft node (broker and controller)`)
    }),
  ]
}

async function prepare(name: string, work: () => Promise<void>): Promise<void> {
  const started = Date.now()
  try {
    await work()
    console.log(`interop: ${name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  } catch (error) {
    setupErrors.set(name, (error as Error).message)
  }
}

afterAll(async () => {
  const markdown = [
    matrix.toMarkdown('kbus interop matrix', 'Generated by `npm run test:interop` (test/interop): each client family below runs against one kbus daemon.'),
    cliMatrix.toMarkdown('The other direction: kbus CLI → Apache Kafka',
      'kbus\'s own commands with `--bootstrap-server`, run once against a kbus daemon and once against Apache Kafka (test/interop/cli-scenarios.ts). ' +
      'Each column checks what a user would check in the output; the Apache Kafka column must also match the kbus run step by step: the same exit codes, ' +
      'and the same stdout once ports, ids, clocks and measured numbers are blanked out.', 2),
  ].join('\n')
  if (!ONLY) {
    writeFileSync(MATRIX_FILE, markdown)
    writeCompatibilitySection() // the README's table follows the matrix just written
  }
  console.log(`\n${matrix.toText()}\n\n${cliMatrix.toText()}\n`)
  const c = matrix.counts()
  const d = cliMatrix.counts()
  // The plain closing line CI reads; known failures count as neither passed nor failed.
  console.log(`interop: ${c.pass + c.fixed + d.pass + d.fixed} passed, ${c.fail + d.fail} failed, ${c.skip + d.skip} skipped`)
  console.log(`interop known failures: ${c.known + d.known} (test/interop/known-failures.ts), matrix in test/interop/MATRIX.md`)
  await Promise.all([daemon?.remove(), faulty?.remove(), cliDaemon?.remove(), kafka?.stop()])
  if (cliHome) rmSync(cliHome, {recursive: true, force: true})
})

for (const scenario of SCENARIOS) {
  describe(scenario.id, () => {
    for (const name of CLIENT_NAMES) {
      test(name, (context) => cell(matrix, name, scenario.id, context, () => scenario.run(clients.get(name)!, ctx)))
    }
  })
}

for (const scenario of SELECTED_CLI_SCENARIOS) {
  describe(`cli/${scenario.id}`, () => {
    for (const column of [AGAINST_KBUS, AGAINST_KAFKA]) {
      test(column, (context) => cell(cliMatrix, column, scenario.id, context, async () => {
        const session = new CliSession(cliTargets.get(column)!, cliHome)
        await scenario.run({session, home: cliHome, javaClasspath: ensureKafkaJava})
        if (column === AGAINST_KBUS) {
          referenceRuns.set(scenario.id, session.steps)
          return
        }
        const reference = referenceRuns.get(scenario.id)
        if (!reference) throw new Unsupported('passes its own checks; not compared: the run against kbus failed')
        assertSameTranscript(reference, session.steps, 'kbus')
      }))
    }
  })
}

/** Runs one matrix cell: a skip, a pass, a known failure, or a failure that fails the run. */
async function cell(table: Matrix, column: string, scenarioId: string, context: TestContext, work: () => Promise<void>): Promise<void> {
  const key = `${column}/${scenarioId}`
  const known = KNOWN_FAILURES[key]
  try {
    const setupError = setupErrors.get(column)
    if (setupError !== undefined) throw new Error(`setup failed: ${setupError}`)
    await withDeadline(work(), SCENARIO_DEADLINE_MS)
  } catch (error) {
    if (error instanceof Unsupported) {
      table.record(column, scenarioId, {status: 'skip', reason: error.message})
      context.skip(error.message)
      return
    }
    const reason = (error as Error).message
    if (known !== undefined) {
      table.record(column, scenarioId, {status: 'known', reason: `${known} — this run: ${reason}`})
      return
    }
    table.record(column, scenarioId, {status: 'fail', reason})
    throw error
  }
  table.record(column, scenarioId, known === undefined ? {status: 'pass'} : {status: 'fixed', reason: `passes now: delete '${key}' from known-failures.ts`})
}

async function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`scenario did not finish within ${ms / 1000} s`)), ms)
  })
  try {
    return await Promise.race([work, deadline])
  } finally {
    clearTimeout(timer)
  }
}
