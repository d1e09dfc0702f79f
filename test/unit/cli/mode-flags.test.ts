import {describe, expect, it} from 'vitest'
import {resolveMode} from '../../../src/cli/mode-flags.js'

const TOPICS = {create: 'topics:create', list: 'topics:list', describe: 'topics:describe', delete: 'topics:delete'}

describe('resolveMode', () => {
  it('maps the action flag to its subcommand and keeps every other argument in order', () => {
    expect(resolveMode(['--create', '--topic', 'x', '--partitions', '3'], TOPICS)).toEqual({
      commandId: 'topics:create',
      argv: ['--topic', 'x', '--partitions', '3'],
    })
    expect(resolveMode(['--bootstrap-server', 'localhost:9092', '--list'], TOPICS)).toEqual({
      commandId: 'topics:list',
      argv: ['--bootstrap-server', 'localhost:9092'],
    })
  })

  it('drops --zookeeper in both spellings, with its value', () => {
    expect(resolveMode(['--zookeeper', 'localhost:2181', '--describe', '--zookeeper=zk:2181'], TOPICS).argv).toEqual([])
  })

  it("refuses zero or several actions with Kafka's message", () => {
    expect(() => resolveMode(['--topic', 'x'], TOPICS)).toThrow(
      'Command must include exactly one action: --create, --list, --describe or --delete',
    )
    expect(() => resolveMode(['--list', '--delete'], TOPICS)).toThrow(/exactly one action/)
  })

  it('leaves arguments after -- alone, even ones that look like actions', () => {
    expect(resolveMode(['--list', '--', '--create'], TOPICS).argv).toEqual(['--', '--create'])
  })
})
