/**
 * console-producer and console-consumer against a real daemon: what a user sees on stdout,
 * stderr and in the exit code, including the failures.
 */
import {writeFile} from 'node:fs/promises'
import {join} from 'node:path'
import {execa} from 'execa'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {BIN, cliEnv, type Daemon, kbus, startDaemon, waitFor} from './helpers/index.js'

let daemon: Daemon
const run = (args: string[], input?: string | Buffer) => kbus(args, {home: daemon.home, input})

beforeAll(async () => {
  daemon = await startDaemon()
})

afterAll(async () => {
  await daemon?.remove()
})

/** Starts a consumer that keeps running, reading its stdout as it comes. */
function follow(args: string[]) {
  const child = execa(process.execPath, [BIN, 'console-consumer', ...args], {
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
  return {child, stdout: () => stdout, stderr: () => stderr}
}

describe('console-consumer', () => {
  it('follows the topic: a line produced after it started shows up, and Ctrl-C ends it cleanly', async () => {
    await run(['topics', 'create', '--topic', 'live'])
    const consumer = follow(['--topic', 'live'])
    // It starts at the end of the log: keep producing until it is surely reading.
    let attempt = 0
    await waitFor(
      async () => {
        await run(['console-producer', '--topic', 'live'], `warm-up ${++attempt}\n`)
        return consumer.stdout().includes('warm-up')
      },
      {timeout: 20_000, what: 'the consumer to print a warm-up line'},
    )
    await run(['console-producer', '--topic', 'live'], 'produced afterwards\n')
    await waitFor(() => consumer.stdout().includes('produced afterwards\n'), {what: 'the new line'})
    consumer.child.kill('SIGINT')
    const result = await consumer.child
    expect(result.exitCode).toBe(0)
    const printed = consumer.stdout().split('\n').filter(Boolean).length
    expect(consumer.stderr()).toBe(`Processed a total of ${printed} messages\n`)
  })

  it("prints values through Kafka's deserializers, and stops at one that does not fit unless told to skip it", async () => {
    await run(['topics', 'create', '--topic', 'word-counts'])
    const long = (count: number) => {
      const bytes = Buffer.alloc(8)
      bytes.writeBigInt64BE(BigInt(count))
      return bytes
    }
    const line = (key: string, value: Buffer) => Buffer.concat([Buffer.from(`${key}:`), value, Buffer.from('\n')])
    const input = Buffer.concat([line('kafka', long(3)), line('streams', long(2)), line('bad', Buffer.from('oops')), line('hello', long(1))])
    const produced = await run(['console-producer', '--topic', 'word-counts', '--property', 'parse.key=true', '--property', 'key.separator=:'], input)
    expect(produced.exitCode).toBe(0)

    const consume = ['console-consumer', '--topic', 'word-counts', '--from-beginning', '--timeout-ms', '2000', '--formatter-property', 'print.key=true',
      '--value-deserializer', 'org.apache.kafka.common.serialization.LongDeserializer']
    const stopped = await run(consume)
    expect(stopped.exitCode).toBe(1)
    // Kafka's formatter leaves the fields it wrote before the one that failed.
    expect(stopped.stdout).toBe('kafka\t3\nstreams\t2\nbad\t')
    expect(stopped.stderr).toContain('Error processing message, terminating consumer process: Size of data received by LongDeserializer is not 8 (offset 2 of word-counts-0)')
    expect(stopped.stderr).toContain('Processed a total of 3 messages')

    const skipped = await run([...consume, '--skip-message-on-error'])
    expect(skipped.exitCode).toBe(0)
    expect(skipped.stdout).toBe('kafka\t3\nstreams\t2\nbad\thello\t1\n')
    expect(skipped.stderr).toContain('Error processing message, skipping this message: Size of data received by LongDeserializer is not 8 (offset 2 of word-counts-0)')
    expect(skipped.stderr).toContain('Processed a total of 4 messages')

    const json = await run([...consume, '--skip-message-on-error', '--json', '--max-messages', '2'])
    expect(json.stdout.trimEnd().split('\n').map((each) => JSON.parse(each).value)).toEqual(['3', '2'])

    const unknown = await run([...consume.slice(0, -1), 'io.confluent.kafka.serializers.KafkaAvroDeserializer', '--max-messages', '1'])
    expect(unknown.exitCode).toBe(0)
    expect(unknown.stdout).toBe(`kafka\t${long(3).toString('utf8')}\n`)
    expect(unknown.stderr).toContain('Unable to instantiate a deserializer from io.confluent.kafka.serializers.KafkaAvroDeserializer: printing raw bytes.')
  })

  it("puts keyed records on Kafka's partition for the key (murmur2)", async () => {
    await run(['topics', 'create', '--topic', 'keyed', '--partitions', '12'])
    const produced = await run(
      ['console-producer', '--topic', 'keyed', '--property', 'parse.key=true', '--property', 'key.separator=:'],
      'foobar:1\nabc:2\n21:3\na-little-bit-longer-string:4\n',
    )
    expect(produced.exitCode).toBe(0)
    const consumed = await run([
      'console-consumer', '--topic', 'keyed', '--from-beginning', '--max-messages', '4',
      '--property', 'print.key=true', '--property', 'print.partition=true',
    ])
    const lines = consumed.stdout.trimEnd().split('\n').sort()
    // Partitions from Kafka's UtilsTest vectors (% 12).
    expect(lines).toEqual(['Partition:0\t21\t3', 'Partition:11\ta-little-bit-longer-string\t4', 'Partition:3\tabc\t2', 'Partition:6\tfoobar\t1'])
  })

  it("prints Kafka's fields, headers and separators", async () => {
    await run(
      ['console-producer', '--topic', 'fields', '--property', 'parse.headers=true', '--property', 'parse.key=true'],
      'h1:v1,h2:v2\tk\tvalue\n',
    )
    const consumed = await run([
      'console-consumer', '--topic', 'fields', '--from-beginning', '--max-messages', '1',
      '--property', 'print.timestamp=true', '--property', 'print.offset=true', '--property', 'print.partition=true',
      '--property', 'print.headers=true', '--property', 'print.key=true', '--property', 'key.separator= | ',
    ])
    expect(consumed.stdout).toMatch(/^CreateTime:\d{13} \| Partition:0 \| Offset:0 \| h1:v1,h2:v2 \| k \| value\n$/)
  })

  it('writes JSON Lines with --json, base64 for bytes that are not UTF-8', async () => {
    await run(['console-producer', '--topic', 'json-out', '--property', 'parse.key=true', '--property', 'key.separator=='], 'k=caf\u00e9\n')
    const consumed = await run(['console-consumer', '--topic', 'json-out', '--from-beginning', '--max-messages', '1', '--json'])
    expect(JSON.parse(consumed.stdout)).toMatchObject({topic: 'json-out', partition: 0, offset: 0, key: 'k', value: 'café', headers: []})
  })

  it('reads one partition from an offset, and ends after --timeout-ms without records', async () => {
    await run(['console-producer', '--topic', 'offsets'], 'zero\none\ntwo\n')
    const consumed = await run(['console-consumer', '--topic', 'offsets', '--partition', '0', '--offset', '1', '--timeout-ms', '500'])
    expect(consumed).toMatchObject({exitCode: 0, stdout: 'one\ntwo\n', stderr: 'Processed a total of 2 messages\n'})
  })

  it("rejects Kafka's invalid offset combinations as usage errors", async () => {
    const noPartition = await run(['console-consumer', '--topic', 'offsets', '--offset', '1'])
    expect(noPartition.exitCode).toBe(2)
    expect(noPartition.stderr).toMatch(/The partition is required when offset is specified\./)
    const badOffset = await run(['console-consumer', '--topic', 'offsets', '--partition', '0', '--offset', 'soon'])
    expect(badOffset.stderr).toMatch(/The provided offset value 'soon' is incorrect\. Valid values are 'earliest', 'latest', or a non-negative long\./)
  })

  it('exits quietly when the reader of its output goes away (| head)', async () => {
    // More than a pipe buffer, so the consumer is still writing when head has gone.
    const lines = Array.from({length: 50_000}, (_, i) => `record ${i}`)
    await run(['console-producer', '--topic', 'piped'], `${lines.join('\n')}\n`)
    const result = await execa('bash', ['-c', `"${process.execPath}" "${BIN}" console-consumer --topic piped --from-beginning | head -1; echo "status=\${PIPESTATUS[0]}"`], {
      env: cliEnv(daemon.home),
      extendEnv: false,
      reject: false,
    })
    expect(result.stdout).toBe('record 0\nstatus=0')
    expect(result.stderr).not.toMatch(/EPIPE|Error/)
  })
})

describe('console-producer', () => {
  it('delivers every piped line, in order, and exits 0', async () => {
    const lines = Array.from({length: 5000}, (_, i) => `line ${i}`)
    const produced = await run(['console-producer', '--topic', 'many'], `${lines.join('\n')}\n`)
    expect(produced).toMatchObject({exitCode: 0, stdout: '', stderr: ''})
    const consumed = await run(['console-consumer', '--topic', 'many', '--from-beginning', '--max-messages', '5000'])
    expect(consumed.stdout).toBe(`${lines.join('\n')}\n`)
  })

  it('compresses with --compression-codec (no value means gzip), and reports a summary with --json', async () => {
    const produced = await run(['console-producer', '--topic', 'gzipped', '--compression-codec', '--json'], 'squeezed\n')
    expect(produced.exitCode).toBe(0)
    expect(JSON.parse(produced.stdout)).toEqual({topic: 'gzipped', records: 1})
    const consumed = await run(['console-consumer', '--topic', 'gzipped', '--from-beginning', '--max-messages', '1'])
    expect(consumed.stdout).toBe('squeezed\n')
  })

  it.each(['snappy', 'lz4', 'zstd'])('round-trips records compressed with %s', async (codec) => {
    const lines = Array.from({length: 300}, (_, i) => `${codec} record ${i} ${'padding '.repeat(i % 7)}`)
    const produced = await run(['console-producer', '--topic', `codec-${codec}`, '--compression-codec', codec], `${lines.join('\n')}\n`)
    expect(produced).toMatchObject({exitCode: 0, stderr: ''})
    const consumed = await run(['console-consumer', '--topic', `codec-${codec}`, '--from-beginning', '--max-messages', '300'])
    expect(consumed.stdout).toBe(`${lines.join('\n')}\n`)
  })

  it('names the line that does not match the reader format, after sending the lines before it', async () => {
    const produced = await run(
      ['console-producer', '--topic', 'parsed', '--reader-property', 'parse.key=true', '--reader-property', 'key.separator=:'],
      'k1:v1\nnot-a-pair\nk3:v3\n',
    )
    expect(produced.exitCode).toBe(1)
    expect(produced.stderr).toBe("Error: No key separator found on line number 2: 'not-a-pair'\n")
    const consumed = await run(['console-consumer', '--topic', 'parsed', '--from-beginning', '--timeout-ms', '500'])
    expect(consumed.stdout).toBe('v1\n')
  })

  it('takes Kafka 4.2\'s flag names, the old ones with Kafka\'s warning, but never an old one with its new one', async () => {
    const configFile = join(daemon.home, 'consumer.properties')
    await writeFile(configFile, 'group.id=from-command-config\n')
    const produced = await run(['console-producer', '--topic', 'renamed', '--reader-property', 'parse.key=true', '--command-property', 'linger.ms=0'], 'k\tv\n')
    expect(produced).toMatchObject({exitCode: 0, stderr: ''})

    const current = ['console-consumer', '--topic', 'renamed', '--from-beginning', '--max-messages', '1']
    const consumed = await run([...current, '--formatter-property', 'print.key=true', '--command-config', configFile])
    expect(consumed).toMatchObject({exitCode: 0, stdout: 'k\tv\n', stderr: 'Processed a total of 1 messages\n'})
    expect((await run(['consumer-groups', '--list'])).stdout.split('\n')).toContain('from-command-config')

    const old = await run([...current, '--property', 'print.key=true', '--consumer-property', 'client.id=old-names'])
    expect(old.stdout).toBe('k\tv\n')
    expect(old.stderr).toContain('Warning: --property is deprecated and will be removed in a future version. Use --formatter-property instead.\n')
    expect(old.stderr).toContain('Warning: --consumer-property is deprecated and will be removed in a future version. Use --command-property instead.\n')

    const both = await run([...current, '--property', 'print.key=true', '--formatter-property', 'print.key=true'])
    expect(both.exitCode).toBe(2)
    expect(both.stderr).toMatch(/--property|--formatter-property/)
  })

  it('reads every topic an --include pattern matches in full, and says so when none does', async () => {
    for (const [topic, value] of [['inc-a', 'from a'], ['inc-b', 'from b'], ['xinc-c', 'from c']]) await run(['console-producer', '--topic', topic], `${value}\n`)
    const both = await run(['console-consumer', '--include', 'inc-.*', '--from-beginning', '--max-messages', '2'])
    expect(both.exitCode).toBe(0)
    expect(both.stdout.split('\n').filter(Boolean).sort()).toEqual(['from a', 'from b'])
    const grouped = await run(['console-consumer', '--include', 'inc-[ab]', '--group', 'include-group', '--from-beginning', '--max-messages', '2'])
    expect(grouped.stdout.split('\n').filter(Boolean).sort()).toEqual(['from a', 'from b'])

    const none = await run(['console-consumer', '--include', 'nothing-.*', '--from-beginning'])
    expect(none).toMatchObject({exitCode: 1, stdout: ''})
    expect(none.stderr).toMatch(/^Error: No topic matches --include 'nothing-\.\*'\./)
    expect((await run(['console-consumer', '--include', 'inc-.*', '--partition', '0'])).exitCode).toBe(2)
    expect((await run(['console-consumer', '--include', 'inc-.*', '--topic', 'inc-a'])).exitCode).toBe(2)
  })

  it('picks up topics created after it started that match --include, with and without a group', async () => {
    await run(['console-producer', '--topic', 'later-a'], 'first topic\n')
    const quick = ['--command-property', 'metadata.max.age.ms=200', '--from-beginning', '--max-messages', '2']
    const alone = follow(['--include', 'later-.*', ...quick])
    const grouped = follow(['--include', 'later-.*', '--group', 'later-group', ...quick])
    await waitFor(() => alone.stdout().includes('first topic') && grouped.stdout().includes('first topic'), {what: 'the first topic to be read'})
    await run(['console-producer', '--topic', 'later-b'], 'created later\n')
    for (const consumer of [alone, grouped]) {
      const result = await consumer.child
      expect(result.exitCode).toBe(0)
      expect(consumer.stdout().split('\n').filter(Boolean).sort()).toEqual(['created later', 'first topic'])
    }
  })

  it('says plainly when no broker is running', async () => {
    const result = await kbus(['console-producer', '--topic', 'nowhere'], {input: 'x\n'})
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^Error: No kbus broker is running at .*kbus\.sock\.\n/)
  })
})

describe('against a broker that refuses', () => {
  let strict: Daemon

  beforeAll(async () => {
    strict = await startDaemon({overrides: ['auto.create.topics.enable=false', 'message.max.bytes=1000']})
  })

  afterAll(async () => {
    await strict?.remove()
  })

  it('names an unknown topic and how to create it, for producer and consumer alike', async () => {
    for (const args of [['console-producer', '--topic', 'ghost'], ['console-consumer', '--topic', 'ghost']]) {
      const result = await kbus(args, {home: strict.home, input: 'x\n'})
      expect(result.exitCode).toBe(1)
      expect(result.stderr).toMatch(/^Error: Topic 'ghost' does not exist and the broker did not create it \(auto\.create\.topics\.enable=false\)\.\n.*kbus topics --create/)
    }
  })

  it('refuses an oversized record, naming its line, and still delivers the others', async () => {
    await kbus(['topics', 'create', '--topic', 'limited'], {home: strict.home})
    const produced = await kbus(['console-producer', '--topic', 'limited'], {home: strict.home, input: `small\n${'x'.repeat(5000)}\nafter\n`})
    expect(produced.exitCode).toBe(1)
    expect(produced.stderr).toMatch(/^Error: 1 record could not be delivered to topic 'limited' \(first: line 2\): .*max\.message\.bytes/)
    const consumed = await kbus(['console-consumer', '--topic', 'limited', '--from-beginning', '--timeout-ms', '500'], {home: strict.home})
    expect(consumed.stdout).toBe('small\nafter\n')
  })
})
