/**
 * Many topics at once: one CreateTopics with hundreds of topics, and creations racing on two
 * connections, all survive a restart; a name given twice in one request is created once.
 */
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {ErrorCode} from '../../../src/protocol/errors.js'
import {Metadata} from '../../../src/protocol/messages/03-metadata.js'
import {CreateTopics} from '../../../src/protocol/messages/19-create-topics.js'
import {DeleteTopics} from '../../../src/protocol/messages/20-delete-topics.js'
import {openTestBroker, type TestBroker} from './harness.js'

let t: TestBroker
beforeEach(async () => {
  t = await openTestBroker()
})
afterEach(async () => {
  await t.close()
})

const spec = (name: string, numPartitions = 2) => ({name, numPartitions, replicationFactor: 1, configs: []})
const names = (prefix: string, count: number) => Array.from({length: count}, (_, i) => `${prefix}-${i}`)

async function topicNames(): Promise<string[]> {
  const response = await t.call(Metadata, 12, {topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false})
  return response.topics.map((topic) => topic.name!).sort()
}

describe('creating many topics', () => {
  it('creates 300 topics in one request, every one durable', async () => {
    const wanted = names('bulk', 300)
    const response = await t.call(CreateTopics, 7, {topics: wanted.map((name) => spec(name))})
    expect(response.topics.map((topic) => topic.name)).toEqual(wanted)
    expect(response.topics.every((topic) => topic.errorCode === ErrorCode.NONE)).toBe(true)
    await t.restart()
    expect(await topicNames()).toEqual([...wanted].sort())
  })

  it('keeps every topic when two connections create and delete at the same time', async () => {
    await t.call(CreateTopics, 7, {topics: [spec('doomed')]})
    const first = names('left', 40)
    const second = names('right', 40)
    await Promise.all([
      t.call(CreateTopics, 7, {topics: first.map((name) => spec(name))}, {id: 1, listener: 'tcp', remoteAddress: '127.0.0.1:1'}),
      t.call(CreateTopics, 7, {topics: second.map((name) => spec(name))}, {id: 2, listener: 'tcp', remoteAddress: '127.0.0.1:2'}),
      t.call(DeleteTopics, 6, {topicNames: [], topics: [{name: 'doomed', topicId: Buffer.alloc(16)}], timeoutMs: 1000}),
    ])
    const onDisk = JSON.parse(readFileSync(join(t.home, 'data', 'meta', 'topics.json'), 'utf8')) as {topics: {name: string}[]}
    expect(onDisk.topics.map((topic) => topic.name).sort()).toEqual([...first, ...second].sort())
    await t.restart()
    expect(await topicNames()).toEqual([...first, ...second].sort())
  })

  it('creates a name given twice in one request once, and says the second one exists', async () => {
    const response = await t.call(CreateTopics, 7, {topics: [spec('twice'), spec('twice', 3)]})
    expect(response.topics.map((topic) => topic.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.TOPIC_ALREADY_EXISTS])
    const metadata = await t.call(Metadata, 12, {topics: [{name: 'twice', topicId: Buffer.alloc(16)}], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false})
    expect(metadata.topics[0].partitions).toHaveLength(2)
  })

  it('refuses a name that collides with one being created in the same request', async () => {
    const response = await t.call(CreateTopics, 7, {topics: [spec('a.b'), spec('a_b')]})
    expect(response.topics.map((topic) => topic.errorCode)).toEqual([ErrorCode.NONE, ErrorCode.INVALID_TOPIC_EXCEPTION])
  })
})
