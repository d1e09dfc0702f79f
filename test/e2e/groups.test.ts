/**
 * Consumer groups end to end against the real daemon: kbus console consumers sharing a topic
 * as group members (clean exits, a kill -9 and its session timeout), a kafkajs member in the
 * same group, committed offsets across broker restarts, and kbus consumer-groups' actions.
 */
import {createRequire} from 'node:module'
import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

let daemon: Daemon
const run = (args: string[], input?: string) => kbus(args, {home: daemon.home, input})

/** Short sessions so a killed member is noticed within seconds. */
const MEMBER_PROPS = [
  '--consumer-property', 'session.timeout.ms=6000',
  '--consumer-property', 'heartbeat.interval.ms=500',
  '--consumer-property', 'auto.commit.interval.ms=1000',
  '--property', 'print.partition=true',
  '--property', 'print.offset=true',
]

beforeAll(async () => {
  daemon = await startDaemon({overrides: ['group.initial.rebalance.delay.ms=0']})
})

afterAll(async () => {
  await daemon?.remove()
})

interface Line {
  partition: number
  offset: number
  value: string
}

/** A console consumer in a group, its printed records parsed as they arrive. */
function member(topic: string, group: string, extra: string[] = []) {
  const child = execa(process.execPath, [BIN, 'console-consumer', '--topic', topic, '--group', group, '--from-beginning', ...MEMBER_PROPS, ...extra], {
    env: cliEnv(daemon.home),
    extendEnv: false,
    stdin: 'ignore',
    reject: false,
    buffer: false,
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const lines = (): Line[] =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('Partition:'))
      .map((line) => {
        const [partition, offset, value] = line.split('\t')
        return {partition: Number(partition.slice('Partition:'.length)), offset: Number(offset.slice('Offset:'.length)), value}
      })
  return {child, lines, stderr: () => stderr}
}

/** Keyed records, so murmur2 spreads them over the partitions. */
async function produce(topic: string, from: number, count: number): Promise<string[]> {
  const values = Array.from({length: count}, (_, index) => `v${from + index}`)
  const input = values.map((value) => `${value}:${value}`).join('\n') + '\n'
  const result = await run(['console-producer', '--topic', topic, '--property', 'parse.key=true', '--property', 'key.separator=:'], input)
  expect(result.exitCode, result.stderr).toBe(0)
  return values
}

interface DescribedGroup {
  group: string
  state: string
  members: Array<{consumerId: string; clientId: string; assignment: Array<{topic: string; partitions: number[]}>}>
  offsets: Array<{topic: string; partition: number; currentOffset: number | null; logEndOffset: number | null; lag: number | null}>
}

async function describeGroup(group: string): Promise<DescribedGroup> {
  const result = await run(['consumer-groups', '--describe', '--group', group, '--json'])
  expect(result.exitCode, result.stderr).toBe(0)
  return (JSON.parse(result.stdout) as DescribedGroup[])[0]
}

/** Waits until the group is Stable with `count` members that between them own every partition. */
async function stableWith(group: string, count: number, partitions: number) {
  return waitFor(
    async () => {
      const described = await describeGroup(group)
      const owned = described.members.flatMap((m) => m.assignment.flatMap((a) => a.partitions))
      return described.state === 'Stable' && described.members.length === count && new Set(owned).size === partitions && owned.length === partitions && described
    },
    {timeout: 20_000, what: `group ${group} to be Stable with ${count} members`},
  )
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>()
  return values.filter((value) => seen.has(value) || !seen.add(value))
}

describe('console-consumer --group', () => {
  it('two members read every record exactly once; one leaving cleanly hands its partitions over without a duplicate', async () => {
    await run(['topics', 'create', '--topic', 'pairs', '--partitions', '6'])
    const first = member('pairs', 'pair-group')
    const second = member('pairs', 'pair-group')
    await stableWith('pair-group', 2, 6)
    const sent = await produce('pairs', 0, 300)
    const all = () => [...first.lines(), ...second.lines()].map((line) => line.value)
    await waitFor(() => all().length >= sent.length, {timeout: 20_000, what: 'both members to print every record'})
    expect(first.lines().length).toBeGreaterThan(0)
    expect(second.lines().length).toBeGreaterThan(0)
    expect(all().sort()).toEqual([...sent].sort())

    // A clean exit commits and leaves: the survivor continues from those commits.
    second.child.kill('SIGINT')
    expect((await second.child).exitCode).toBe(0)
    expect(second.stderr()).toContain(`Processed a total of ${second.lines().length} messages`)
    await stableWith('pair-group', 1, 6)
    const more = await produce('pairs', 300, 120)
    await waitFor(() => all().length >= sent.length + more.length, {timeout: 20_000, what: 'the survivor to print the new records'})
    expect(duplicates(all())).toEqual([])
    expect(all().sort()).toEqual([...sent, ...more].sort())
    first.child.kill('SIGINT')
    await first.child
  })

  it('three members; kill -9 one mid-stream: its partitions move within the session timeout, nothing is missed, duplicates only after its last commit', async () => {
    await run(['topics', 'create', '--topic', 'trio', '--partitions', '6'])
    const members = [member('trio', 'trio-group'), member('trio', 'trio-group'), member('trio', 'trio-group')]
    await stableWith('trio-group', 3, 6)
    const sent = await produce('trio', 0, 600)
    const everything = () => members.flatMap((m) => m.lines())
    await waitFor(() => everything().length >= sent.length, {timeout: 20_000, what: 'the members to print every record'})
    expect(duplicates(everything().map((line) => line.value))).toEqual([])
    for (const m of members) expect(m.lines().length).toBeGreaterThan(0)

    const [victim, ...survivors] = members
    const victimPartitions = new Set(victim.lines().map((line) => line.partition))
    const victimSaw = victim.lines()
    victim.child.kill('SIGKILL')
    await victim.child
    await stableWith('trio-group', 2, 6)
    const more = await produce('trio', 600, 300)
    const survivorLines = () => survivors.flatMap((m) => m.lines())
    await waitFor(
      () => new Set([...victimSaw, ...survivorLines()].map((line) => line.value)).size >= sent.length + more.length,
      {timeout: 30_000, what: 'the survivors to print every record'},
    )
    const printed = [...victimSaw, ...survivorLines()]
    expect(new Set(printed.map((line) => line.value))).toEqual(new Set([...sent, ...more]))
    // Every duplicate is a record the victim printed after its last commit: per partition, the
    // survivors restarted at one committed offset and re-read from there to the victim's last.
    const again = duplicates(printed.map((line) => line.value))
    const dupLines = victimSaw.filter((line) => again.includes(line.value))
    for (const partition of new Set(dupLines.map((line) => line.partition))) {
      expect(victimPartitions.has(partition)).toBe(true)
      const victimOffsets = victimSaw.filter((line) => line.partition === partition).map((line) => line.offset)
      const dupOffsets = dupLines.filter((line) => line.partition === partition).map((line) => line.offset).sort((a, b) => a - b)
      const restart = dupOffsets[0]
      expect(dupOffsets).toEqual(victimOffsets.filter((offset) => offset >= restart).sort((a, b) => a - b))
    }
    for (const m of survivors) m.child.kill('SIGINT')
    await Promise.all(survivors.map((m) => m.child))
  })

  it('a kafkajs 2.2.4 member and a kbus member share the partitions of one group', async () => {
    await run(['topics', 'create', '--topic', 'mixed', '--partitions', '6'])
    const require = createRequire(import.meta.url)
    const {Kafka, PartitionAssigners, logLevel} = require('kafkajs') as typeof import('kafkajs')
    const kafka = new Kafka({clientId: 'kafkajs-member', brokers: [daemon.bootstrap], logLevel: logLevel.NOTHING})
    // kafkajs's own round robin under Java's protocol name, as kafkajs users join Java groups.
    const roundRobin: import('kafkajs').PartitionAssigner = (config) => ({...PartitionAssigners.roundRobin(config), name: 'roundrobin'})
    const consumer = kafka.consumer({groupId: 'mixed-group', partitionAssigners: [roundRobin], sessionTimeout: 10_000, heartbeatInterval: 500})
    const viaKafkajs: string[] = []
    const kbusMember = member('mixed', 'mixed-group', ['--consumer-property', 'partition.assignment.strategy=roundrobin'])
    try {
      await stableWith('mixed-group', 1, 6)
      await consumer.connect()
      await consumer.subscribe({topic: 'mixed', fromBeginning: true})
      await consumer.run({eachMessage: async ({message}) => void viaKafkajs.push(message.value!.toString())})
      const described = await stableWith('mixed-group', 2, 6)
      expect(described.members.map((m) => m.clientId).sort()).toEqual(['console-consumer', 'kafkajs-member'])
      for (const m of described.members) expect(m.assignment.flatMap((a) => a.partitions)).toHaveLength(3)

      const sent = await produce('mixed', 0, 300)
      const all = () => [...viaKafkajs, ...kbusMember.lines().map((line) => line.value)]
      await waitFor(() => all().length >= sent.length, {timeout: 20_000, what: 'both members to receive every record'})
      expect(viaKafkajs.length).toBeGreaterThan(0)
      expect(kbusMember.lines().length).toBeGreaterThan(0)
      expect(all().sort()).toEqual([...sent].sort())
    } finally {
      await consumer.disconnect()
      kbusMember.child.kill('SIGINT')
      await kbusMember.child
    }
    // Its three waits may take 20 s each: past them, not the file's 60 s, so a slow run names its step.
  }, 90_000)
})

describe('kbus consumer-groups', () => {
  it('lists groups with their state, and describes lag exactly', async () => {
    await run(['topics', 'create', '--topic', 'lagged', '--partitions', '2'])
    const sent = await produce('lagged', 0, 50)
    const consumed = await run(['console-consumer', '--topic', 'lagged', '--group', 'lag-group', '--from-beginning', '--max-messages', '20'])
    expect(consumed.exitCode, consumed.stderr).toBe(0)
    expect(consumed.stdout.trimEnd().split('\n')).toHaveLength(20)

    const listed = await run(['consumer-groups', '--list', '--state'])
    expect(listed.exitCode).toBe(0)
    expect(listed.stdout.split('\n')[0]).toBe(`${'GROUP'.padEnd(25)} ${'STATE'.padEnd(20)}`)
    expect(listed.stdout).toContain(`${'lag-group'.padEnd(25)} ${'Empty'.padEnd(20)}\n`)
    const filtered = await run(['consumer-groups', 'list', '--state', 'stable', '--json'])
    expect(JSON.parse(filtered.stdout).map((g: {group: string}) => g.group)).not.toContain('lag-group')

    const described = await describeGroup('lag-group')
    const ends = described.offsets.map((row) => row.logEndOffset!)
    expect(ends.reduce((a, b) => a + b, 0)).toBe(sent.length)
    for (const row of described.offsets) expect(row.lag).toBe(row.logEndOffset! - row.currentOffset!)
    expect(described.offsets.reduce((sum, row) => sum + row.currentOffset!, 0)).toBe(20)

    const text = await run(['consumer-groups', '--describe', '--group', 'lag-group'])
    expect(text.exitCode).toBe(0)
    // (Under vitest, NODE_ENV=test makes oclif add a development warning after it.)
    expect(text.stderr).toMatch(/^\nConsumer group 'lag-group' has no active members\.\n/)
    expect(text.stdout.split('\n')[1]).toBe(
      'GROUP           TOPIC           PARTITION  CURRENT-OFFSET  LOG-END-OFFSET  LAG             CONSUMER-ID     HOST            CLIENT-ID',
    )
    const row = described.offsets[0]
    expect(text.stdout).toContain(
      `lag-group       lagged          0          ${String(row.currentOffset).padEnd(15)} ${String(row.logEndOffset).padEnd(15)} ${String(row.lag).padEnd(15)} -               -               -\n`,
    )
    const missing = await run(['consumer-groups', '--describe', '--group', 'no-such-group'])
    expect(missing.exitCode).toBe(1)
    expect(missing.stderr).toContain("Consumer group 'no-such-group' does not exist.")
  })

  it('reset-offsets: a dry run changes nothing; each mode moves the committed offsets; an active group is refused', async () => {
    await run(['topics', 'create', '--topic', 'resets', '--partitions', '1'])
    await produce('resets', 0, 10)
    const before = Date.now()
    await waitFor(() => Date.now() > before + 5, {what: 'the clock to move past the first records'})
    await produce('resets', 10, 10)
    const group = ['--group', 'reset-group', '--topic', 'resets']
    const committed = async () => (await describeGroup('reset-group')).offsets[0]?.currentOffset
    const reset = async (...args: string[]) => {
      const result = await run(['consumer-groups', '--reset-offsets', ...group, ...args])
      expect(result.exitCode, result.stderr).toBe(0)
      return result
    }

    const dry = await reset('--to-offset', '5')
    const resetLine = (...cells: string[]) => `${cells[0].padEnd(30)} ${cells[1].padEnd(30)} ${cells[2].padEnd(10)} ${cells[3].padEnd(15)}\n`
    expect(dry.stdout).toBe(`\n${resetLine('GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET')}${resetLine('reset-group', 'resets', '0', '5')}\n`)
    expect(dry.stderr).toContain('WARN: No action will be performed as the --execute option is missing.')
    expect((await run(['consumer-groups', '--describe', '--group', 'reset-group'])).exitCode).toBe(1)

    await reset('--to-offset', '5', '--execute')
    expect(await committed()).toBe(5)
    await reset('--shift-by', '3', '--execute')
    expect(await committed()).toBe(8)
    await reset('--shift-by=-100', '--execute')
    expect(await committed()).toBe(0)
    await reset('--to-latest', '--execute')
    expect(await committed()).toBe(20)
    await reset('--to-earliest', '--execute')
    expect(await committed()).toBe(0)
    const high = await reset('--to-offset', '999', '--execute')
    expect(high.stderr).toContain('New offset (999) is higher than latest offset for topic partition resets-0. Value will be set to 20')
    expect(await committed()).toBe(20)
    await reset('--to-datetime', new Date(before + 1).toISOString().replace(/Z$/, ''), '--execute')
    expect(await committed()).toBe(10)
    await reset('--by-duration', 'P1D', '--execute')
    expect(await committed()).toBe(0)
    await reset('--to-current', '--execute')
    expect(await committed()).toBe(0)
    const exported = await reset('--to-offset', '7', '--export')
    expect(exported.stdout).toBe('resets,0,7\n\n')
    const file = `${daemon.home}/reset.csv`
    const {writeFile} = await import('node:fs/promises')
    await writeFile(file, exported.stdout)
    const fromFile = await run(['consumer-groups', 'reset-offsets', '--group', 'reset-group', '--from-file', file, '--execute'])
    expect(fromFile.exitCode, fromFile.stderr).toBe(0)
    expect(await committed()).toBe(7)

    // Refused while a member is active, and nothing is changed.
    const active = member('resets', 'reset-group')
    try {
      await stableWith('reset-group', 1, 1)
      const refused = await run(['consumer-groups', '--reset-offsets', ...group, '--to-earliest', '--execute'])
      expect(refused.exitCode).toBe(1)
      expect(refused.stderr).toContain("Assignments can only be reset if the group 'reset-group' is inactive, but the current state is Stable.")
    } finally {
      active.child.kill('SIGINT')
      await active.child
    }
    // The member read 7..19 and committed 20 on its way out; the refused reset did not intervene.
    expect(active.lines().map((line) => line.offset)).toEqual([7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19])
    expect(await committed()).toBe(20)
  })

  it('--delete-offsets and --delete, refused for an active group', async () => {
    await run(['topics', 'create', '--topic', 'doomed', '--partitions', '2'])
    await produce('doomed', 0, 10)
    expect((await run(['console-consumer', '--topic', 'doomed', '--group', 'doomed-group', '--from-beginning', '--max-messages', '10'])).exitCode).toBe(0)

    const active = member('doomed', 'doomed-group')
    try {
      await stableWith('doomed-group', 1, 2)
      const refused = await run(['consumer-groups', '--delete', '--group', 'doomed-group'])
      expect(refused.exitCode).toBe(1)
      expect(refused.stderr).toContain("* Group 'doomed-group' could not be deleted due to: The group is not empty.")
      const offsetsRefused = await run(['consumer-groups', '--delete-offsets', '--group', 'doomed-group', '--topic', 'doomed'])
      expect(offsetsRefused.exitCode).toBe(1)
      expect(offsetsRefused.stderr).toContain("Deleting offsets of a consumer group 'doomed-group' is forbidden if the group is not empty.")
    } finally {
      active.child.kill('SIGINT')
      await active.child
    }

    const deletedOffsets = await run(['consumer-groups', '--delete-offsets', '--group', 'doomed-group', '--topic', 'doomed:0'])
    expect(deletedOffsets.exitCode, deletedOffsets.stderr).toBe(0)
    const statusLine = (...cells: string[]) => `${cells[0].padEnd(30)} ${cells[1].padEnd(15)} ${cells[2].padEnd(15)}\n`
    expect(deletedOffsets.stdout).toBe(
      'Request succeed for deleting offsets with topic doomed group doomed-group\n' +
        `\n${statusLine('TOPIC', 'PARTITION', 'STATUS')}${statusLine('doomed', '0', 'Successful')}\n`,
    )
    expect((await describeGroup('doomed-group')).offsets.map((row) => row.partition)).toEqual([1])

    const deleted = await run(['consumer-groups', 'delete', '--group', 'doomed-group'])
    expect(deleted.exitCode, deleted.stderr).toBe(0)
    expect(deleted.stdout).toBe("Deletion of requested consumer groups ('doomed-group') was successful.\n")
    const again = await run(['consumer-groups', '--delete', '--group', 'doomed-group'])
    expect(again.exitCode).toBe(1)
    expect(again.stderr).toContain("* Group 'doomed-group' could not be deleted due to: The group id does not exist.")
  })
})

describe('committed offsets across broker restarts', () => {
  it('survive a clean restart and a kill -9: a member resumes where the group left off', async () => {
    await run(['topics', 'create', '--topic', 'durable', '--partitions', '3'])
    await produce('durable', 0, 30)
    const first = await run(['console-consumer', '--topic', 'durable', '--group', 'durable-group', '--from-beginning', '--max-messages', '30'])
    expect(first.exitCode, first.stderr).toBe(0)
    const offsetsNow = async () => (await describeGroup('durable-group')).offsets.map((row) => [row.partition, row.currentOffset])
    const committed = await offsetsNow()
    expect(committed.reduce((sum, [, offset]) => sum + offset!, 0)).toBe(30)

    for (const crash of [false, true]) {
      if (crash) await daemon.kill9()
      await daemon.restart()
      expect(await offsetsNow()).toEqual(committed)
    }
    const more = await produce('durable', 30, 6)
    const resumed = await run(['console-consumer', '--topic', 'durable', '--group', 'durable-group', '--from-beginning', '--max-messages', '6'])
    expect(resumed.exitCode, resumed.stderr).toBe(0)
    expect(resumed.stdout.trimEnd().split('\n').sort()).toEqual([...more].sort())
  })
})
