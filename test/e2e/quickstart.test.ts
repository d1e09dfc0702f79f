/**
 * Kafka's quickstart, typed exactly as old tutorials write it, against a real kbus daemon:
 * once over TCP with the tutorial's flags, once through the local socket with no address.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {type Daemon, kbus, startDaemon} from './helpers/index.js'

let daemon: Daemon

beforeAll(async () => {
  daemon = await startDaemon()
})

afterAll(async () => {
  await daemon?.remove()
})

const MESSAGES = 'This is a message\nThis is another message\n'

describe('the Kafka quickstart', () => {
  it('creates a topic, produces and consumes over TCP with the tutorial flags', async () => {
    const created = await kbus(
      ['topics', 'create', '--zookeeper', 'localhost:2181', '--replication-factor', '1', '--partitions', '1', '--topic', 'myTestTopic'],
      {home: daemon.home},
    )
    expect(created.exitCode).toBe(0)
    expect(created.stdout).toBe('Created topic myTestTopic.\n')
    expect(created.stderr).toMatch(/--zookeeper is ignored/)

    const produced = await kbus(['console-producer', '--broker-list', daemon.bootstrap, '--topic', 'myTestTopic'], {
      home: daemon.home,
      input: MESSAGES,
    })
    expect(produced).toMatchObject({exitCode: 0, stdout: ''})

    const consumed = await kbus(
      ['console-consumer', '--bootstrap-server', daemon.bootstrap, '--topic', 'myTestTopic', '--from-beginning', '--max-messages', '2'],
      {home: daemon.home},
    )
    expect(consumed.exitCode).toBe(0)
    expect(consumed.stdout).toBe(MESSAGES)
    expect(consumed.stderr).toBe('Processed a total of 2 messages\n')
  })

  it('does the same through the local socket, with no address at all', async () => {
    const created = await kbus(['topics', '--create', '--topic', 'localTopic', '--partitions', '1'], {home: daemon.home})
    expect(created).toMatchObject({exitCode: 0, stdout: 'Created topic localTopic.\n'})

    const produced = await kbus(['console-producer', '--topic', 'localTopic'], {home: daemon.home, input: MESSAGES})
    expect(produced.exitCode).toBe(0)

    const consumed = await kbus(['console-consumer', '--topic', 'localTopic', '--from-beginning', '--max-messages', '2'], {home: daemon.home})
    expect(consumed).toMatchObject({exitCode: 0, stdout: MESSAGES, stderr: 'Processed a total of 2 messages\n'})
  })
})
