import {readFileSync, rmSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {payloadFile} from '../lib/kafka-loads.mjs'
import {memoryOf, run} from '../lib/procs.mjs'
import {DEFAULT_PROFILE, QUICK_PROFILE, UsageError, parseArgs} from '../lib/settings.mjs'

describe('options', () => {
  it('runs the default profile, --quick, and --runs in both spellings', () => {
    expect(parseArgs([])).toMatchObject({name: 'default', runs: DEFAULT_PROFILE.runs, readme: true})
    expect(parseArgs(['--quick'])).toMatchObject({name: 'quick', runs: QUICK_PROFILE.runs})
    expect(parseArgs(['--runs', '5'])).toMatchObject({name: 'default', runs: 5})
    expect(parseArgs(['--quick', '--runs=2', '--no-readme'])).toMatchObject({name: 'quick', runs: 2, readme: false})
  })

  it('refuses what it does not know, naming it', () => {
    expect(() => parseArgs(['--runs', 'many'])).toThrow(UsageError)
    expect(() => parseArgs(['--runs', '0'])).toThrow(/1 to 20/)
    expect(() => parseArgs(['--fast'])).toThrow(/unknown option '--fast'/)
  })
})

describe('processes', () => {
  it('times a command and kills it at its deadline', async () => {
    const done = await run('sh', ['-c', 'echo hi'])
    expect(done).toMatchObject({exitCode: 0, stdout: 'hi\n', timedOut: false})
    const slow = await run('sleep', ['30'], {timeoutMs: 200})
    expect(slow).toMatchObject({exitCode: 124, timedOut: true})
    expect(slow.ms).toBeLessThan(30_000)
  })

  it("reads a live process's memory and nothing for a gone one", () => {
    const memory = memoryOf(process.pid)
    expect(memory.rssMB).toBeGreaterThan(1)
    expect(memory.peakMB).toBeGreaterThanOrEqual(memory.rssMB)
    expect(memoryOf(2 ** 22 + 7)).toBeNull()
  })

  it('writes payload files of fixed-size capital-letter lines', async () => {
    const file = await payloadFile(7, 5)
    const lines = readFileSync(file, 'utf8').split('\n')
    expect(lines.pop()).toBe('')
    expect(lines).toHaveLength(5)
    for (const line of lines) expect(line).toMatch(/^[A-Z]{7}$/)
    rmSync(file)
  })
})
