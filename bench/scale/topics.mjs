/**
 * Topic scale: grows one broker to 10, 100 and 1,000 topics (10 partitions each by default) with
 * CreateTopics requests of many topics, and at each level times what a user runs: `topics --list`,
 * `--describe` of one topic and of all, `consumer-groups --list`, a few `topics --create`, plus
 * Metadata for every topic from a connected client. Then a clean restart with all those
 * partitions, and the daemon's RSS and open files before and after.
 *
 *   node bench/scale/topics.mjs [--root DIR] [--levels 10,100,1000] [--partitions 10] [--reps 5]
 */
import {rmSync} from 'node:fs'
import {
  formatRange, kbus, kbusRoot, openClient, openFiles, parseArgs, residentMb, startDaemon, stopDaemon, tempHome, timed, summarize,
} from './lib.mjs'

const args = parseArgs({root: '', levels: '10,100,1000', partitions: 10, reps: 5, batch: 1000, keep: ''})
const root = kbusRoot(args.root)
const home = tempHome()
const levels = args.levels.split(',').map(Number)
const rows = []
const log = (line) => process.stderr.write(`${line}\n`)
const name = (i) => `scale-${String(i).padStart(5, '0')}`

log(`kbus at ${root}, KBUS_HOME=${home}`)
let {ms: coldStartMs, pid} = startDaemon(root, home)
log(`cold start (empty home): ${coldStartMs.toFixed(0)} ms; RSS ${residentMb(pid).toFixed(0)} MB`)
let {cluster, admin} = await openClient(root, home)

let created = 0
for (const level of levels) {
  const started = process.hrtime.bigint()
  while (created < level) {
    const count = Math.min(args.batch, level - created)
    const specs = Array.from({length: count}, (_, i) => ({name: name(created + i), partitions: args.partitions, replicationFactor: 1}))
    const results = await admin.createTopics(specs)
    const failed = results.find((result) => result.error)
    if (failed) throw new Error(`Creating ${failed.name} failed: ${failed.error.message}`)
    created += count
  }
  const createMs = Number(process.hrtime.bigint() - started) / 1e6
  const row = {topics: level, partitions: level * args.partitions, createMs}
  row.metadataAll = await timed(args.reps * 4, () => cluster.refresh(null))
  row.list = summarize(Array.from({length: args.reps}, () => kbus(root, home, ['topics', '--list']).ms))
  row.describeOne = summarize(Array.from({length: args.reps}, () => kbus(root, home, ['topics', '--describe', '--topic', name(0)]).ms))
  row.describeAll = summarize(Array.from({length: Math.max(2, args.reps >> 1)}, () => kbus(root, home, ['topics', '--describe']).ms))
  row.groupsList = summarize(Array.from({length: args.reps}, () => kbus(root, home, ['consumer-groups', '--list']).ms))
  row.cliCreate = summarize(
    Array.from({length: 3}, (_, i) => kbus(root, home, ['topics', '--create', '--topic', `cli-${level}-${i}`, '--partitions', String(args.partitions)]).ms),
  )
  row.rssMb = residentMb(pid)
  row.fds = openFiles(pid)
  rows.push(row)
  log(
    `${level} topics (${row.partitions} partitions): create ${createMs.toFixed(0)} ms; Metadata(all) ${formatRange(row.metadataAll)}; ` +
      `list ${formatRange(row.list)}; describe one ${formatRange(row.describeOne)}; describe all ${formatRange(row.describeAll)}; ` +
      `groups list ${formatRange(row.groupsList)}; CLI create ${formatRange(row.cliCreate)}; RSS ${row.rssMb.toFixed(0)} MB; fds ${row.fds}`,
  )
}
await cluster.close()

const stopMs = stopDaemon(root, home)
const restart = startDaemon(root, home)
pid = restart.pid
// Let start-up garbage settle before reading the idle footprint.
await new Promise((resolve) => setTimeout(resolve, 2000))
const restarted = {stopMs, startMs: restart.ms, rssMb: residentMb(pid), fds: openFiles(pid)}
log(`clean stop ${stopMs.toFixed(0)} ms; restart ${restart.ms.toFixed(0)} ms; idle RSS ${restarted.rssMb.toFixed(0)} MB; fds ${restarted.fds}`)
const after = kbus(root, home, ['topics', '--list'])
log(`topics --list after restart: ${after.stdout.split('\n').filter(Boolean).length} topics, ${after.ms.toFixed(0)} ms`)
stopDaemon(root, home)
if (!args.keep) rmSync(home, {recursive: true, force: true})

console.log(JSON.stringify({root, partitionsPerTopic: args.partitions, coldStartMs, levels: rows, restarted}, null, 1))
