/**
 * Restart with a lot of data: fills one topic (a few partitions) with ~--gb GB of 1 KB records in
 * ~1 MB batches over raw Produce (acks=1, several requests in flight), stops cleanly and times the
 * restart until ready; then appends a little more, kills the daemon with SIGKILL and times the
 * start that has to recover only what was written since the recovery-point checkpoint.
 *
 *   node bench/scale/fill.mjs [--root DIR] [--gb 10] [--partitions 4] [--home DIR] [--restarts 3]
 * With --home the data is kept there, and a home filled before is reused as it is, so builds can
 * be compared on the same data.
 */
import {existsSync, mkdirSync, readFileSync, rmSync} from 'node:fs'
import {join} from 'node:path'
import {distModule, kbusRoot, openClient, openFiles, parseArgs, residentMb, startDaemon, stopDaemon, summarize, formatRange, tempHome} from './lib.mjs'

const args = parseArgs({root: '', gb: 10, partitions: 4, home: '', restarts: 3, 'tail-mb': 200, 'segment-mb': 1024})
const root = kbusRoot(args.root)
const keep = args.home !== ''
const home = keep ? args.home : tempHome('kbus-fill-')
if (keep) mkdirSync(home, {recursive: true})
const reuse = existsSync(join(home, 'data', `fill-0`))
const log = (line) => process.stderr.write(`${line}\n`)
const TOPIC = 'fill'
const RECORD_BYTES = 1024
const RECORDS_PER_BATCH = 1000
const IN_FLIGHT = 8

const {Produce} = await distModule(root, 'protocol/messages/00-produce.js')
const {encodeRecordBatch} = await distModule(root, 'protocol/records.js')

/** Appends `bytes` more to the topic, round robin over its partitions. */
async function produce(bytes) {
  const {cluster} = await openClient(root, home)
  const connection = await cluster.anyBroker()
  const value = Buffer.alloc(RECORD_BYTES, 0x61)
  const template = encodeRecordBatch({records: Array.from({length: RECORDS_PER_BATCH}, () => ({key: null, value, timestamp: Date.now()}))})
  let sent = 0
  let partition = 0
  const started = process.hrtime.bigint()
  const inFlight = new Set()
  while (sent < bytes) {
    // The broker rewrites the base offset in place: each request gets its own copy.
    const batch = Buffer.from(template)
    const request = connection
      .request(Produce, {transactionalId: null, acks: 1, timeoutMs: 30_000, topicData: [{name: TOPIC, partitionData: [{index: partition, records: batch}]}]})
      .then((response) => {
        const code = response.responses[0].partitionResponses[0].errorCode
        if (code !== 0) throw new Error(`Produce failed with error code ${code}`)
      })
    inFlight.add(request)
    request.finally(() => inFlight.delete(request))
    if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight)
    sent += batch.length
    partition = (partition + 1) % args.partitions
  }
  await Promise.all(inFlight)
  await cluster.close()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  log(`produced ${(sent / 2 ** 30).toFixed(2)} GiB in ${seconds.toFixed(1)} s (${(sent / 2 ** 20 / seconds).toFixed(0)} MiB/s)`)
}

function lastLogLines(count) {
  return readFileSync(join(home, 'server.log'), 'utf8').trimEnd().split('\n').slice(-count).join('\n')
}

log(`kbus at ${root}, KBUS_HOME=${home}`)
const result = {root, home}
let {pid} = startDaemon(root, home, ['--override', `log.segment.bytes=${args['segment-mb'] * 2 ** 20}`])
if (!reuse) {
  const {admin} = await openClient(root, home)
  const [created] = await admin.createTopics([{name: TOPIC, partitions: args.partitions, replicationFactor: 1}])
  if (created.error) throw created.error
  await produce(args.gb * 2 ** 30)
}
result.stopMs = stopDaemon(root, home)

const cleanStarts = []
for (let i = 0; i < args.restarts; i++) {
  const start = startDaemon(root, home)
  cleanStarts.push(start.ms)
  pid = start.pid
  if (i < args.restarts - 1) stopDaemon(root, home)
}
result.cleanRestart = summarize(cleanStarts)
await new Promise((resolve) => setTimeout(resolve, 2000))
result.idleRssMb = residentMb(pid)
result.fds = openFiles(pid)
log(`clean restart with data: ${formatRange(result.cleanRestart)}; idle RSS ${result.idleRssMb.toFixed(0)} MB; fds ${result.fds}`)

await produce(args['tail-mb'] * 2 ** 20)
process.kill(pid, 'SIGKILL')
while (true) {
  try {
    process.kill(pid, 0)
    await new Promise((resolve) => setTimeout(resolve, 20))
  } catch {
    break
  }
}
const crashed = startDaemon(root, home)
result.uncleanRestartMs = crashed.ms
log(`start after SIGKILL (${args['tail-mb']} MB unflushed tail): ${crashed.ms.toFixed(0)} ms`)
log(lastLogLines(4))
stopDaemon(root, home)
if (!keep) rmSync(home, {recursive: true, force: true})
console.log(JSON.stringify(result, null, 1))
