/**
 * `npm run test:interop`: fetches the peers, starts one kbus daemon, runs every scenario for every
 * client family, prints the client × scenario matrix and writes it to test/interop/MATRIX.md.
 * A failure fails the run unless KNOWN_FAILURES lists it.
 */
import {writeFileSync} from 'node:fs'
import {afterAll, beforeAll, describe, test} from 'vitest'
import {type Daemon, startDaemon} from '../e2e/helpers/index.js'
import {ConfluentClient} from './clients/confluent.js'
import {JavaClient} from './clients/java.js'
import {KafkajsClient} from './clients/kafkajs.js'
import {KbusCliClient} from './clients/kbus.js'
import {KcatClient} from './clients/kcat.js'
import {type InteropClient, Unsupported} from './harness/client.js'
import {KbusReference} from './harness/kbus-reference.js'
import {Matrix} from './harness/matrix.js'
import {KNOWN_FAILURES} from './known-failures.js'
import {type SuiteContext, scenarios} from './scenarios.js'
import {writeCompatibilitySection} from './readme-table.mjs'

/** Matrix columns, in the order the brief sets them up: fastest to fetch first. */
const CLIENT_NAMES = ['kcat', 'kafkajs', 'confluent-kafka', 'java', 'kbus CLI'] as const
/** A scenario stops by itself well inside vitest's own test timeout. */
const SCENARIO_DEADLINE_MS = 100_000

const SCENARIOS = scenarios(CLIENT_NAMES)
const matrix = new Matrix(CLIENT_NAMES, SCENARIOS)
const MATRIX_FILE = new URL('MATRIX.md', import.meta.url)

let daemon: Daemon
let ctx: SuiteContext
const clients = new Map<string, InteropClient>()
const setupErrors = new Map<string, string>()

beforeAll(async () => {
  daemon = await startDaemon({overrides: ['group.initial.rebalance.delay.ms=0']})
  const kbus = new KbusReference(daemon)
  const all: InteropClient[] = [
    new KcatClient(daemon.bootstrap),
    new KafkajsClient(daemon.bootstrap),
    new ConfluentClient(daemon.bootstrap),
    new JavaClient(daemon.bootstrap),
    new KbusCliClient(kbus),
  ]
  ctx = {daemon, kbus, clients: all, crossWrites: new Map()}
  // The peers download from different registries: fetch them side by side.
  await Promise.all(all.map(async (client) => {
    clients.set(client.name, client)
    const started = Date.now()
    try {
      matrix.setVersion(client.name, await client.prepare())
      console.log(`interop: ${client.name} ready in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    } catch (error) {
      setupErrors.set(client.name, (error as Error).message)
    }
  }))
})

afterAll(async () => {
  const markdown = matrix.toMarkdown('kbus interop matrix')
  writeFileSync(MATRIX_FILE, markdown)
  writeCompatibilitySection() // the README's table follows the matrix just written
  console.log(`\n${matrix.toText()}\n`)
  const c = matrix.counts()
  // The plain closing line CI reads; known failures count as neither passed nor failed.
  console.log(`interop: ${c.pass + c.fixed} passed, ${c.fail} failed, ${c.skip} skipped`)
  console.log(`interop known failures: ${c.known} (test/interop/known-failures.ts), matrix in test/interop/MATRIX.md`)
  await daemon?.remove()
})

for (const scenario of SCENARIOS) {
  describe(scenario.id, () => {
    for (const name of CLIENT_NAMES) {
      test(name, async (context) => {
        const key = `${name}/${scenario.id}`
        const known = KNOWN_FAILURES[key]
        try {
          const setupError = setupErrors.get(name)
          if (setupError !== undefined) throw new Error(`peer setup failed: ${setupError}`)
          await withDeadline(scenario.run(clients.get(name)!, ctx), SCENARIO_DEADLINE_MS)
        } catch (error) {
          if (error instanceof Unsupported) {
            matrix.record(name, scenario.id, {status: 'skip', reason: error.message})
            context.skip(error.message)
            return
          }
          const reason = (error as Error).message
          if (known !== undefined) {
            matrix.record(name, scenario.id, {status: 'known', reason: `${known} — this run: ${reason}`})
            return
          }
          matrix.record(name, scenario.id, {status: 'fail', reason})
          throw error
        }
        matrix.record(name, scenario.id, known === undefined ? {status: 'pass'} : {status: 'fixed', reason: `passes now: delete '${key}' from known-failures.ts`})
      })
    }
  })
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
