import {describe, expect, it} from 'vitest'
import {GroupCommit} from '../../../src/storage/group-commit.js'

/** A sync function whose runs finish only when the test says so. */
function heldSyncs() {
  const runs: Array<{finish: () => void; fail: (error: Error) => void}> = []
  const sync = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({finish: resolve, fail: reject})
    })
  return {runs, sync}
}

const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('GroupCommit', () => {
  it('one at a time: callers arriving during a sync share the next one, started after it ends', async () => {
    const {runs, sync} = heldSyncs()
    const commit = new GroupCommit(sync)
    const done: string[] = []
    void commit.request().then(() => done.push('first'))
    const later = Array.from({length: 10}, (_, i) => commit.request().then(() => done.push(`later${i}`)))
    expect(runs).toHaveLength(1)
    runs[0].finish()
    await settle()
    expect(done).toEqual(['first'])
    expect(runs).toHaveLength(2)
    runs[1].finish()
    await Promise.all(later)
    expect(done).toHaveLength(11)
  })

  it('with two allowed, a second sync starts at once and a third waits, shared by everyone after it', async () => {
    const {runs, sync} = heldSyncs()
    const commit = new GroupCommit(sync, 2)
    const first = commit.request()
    const second = commit.request()
    expect(runs).toHaveLength(2)
    let thirdDone = false
    const third = Array.from({length: 5}, () => commit.request().then(() => (thirdDone = true)))
    expect(runs).toHaveLength(2)
    runs[1].finish()
    await second
    // The queued one starts as soon as a slot frees, and is the only one those callers wait for.
    expect(runs).toHaveLength(3)
    runs[2].finish()
    await Promise.all(third)
    expect(thirdDone).toBe(true)
    runs[0].finish()
    await first
    await commit.settled()
  })

  it('fails only the callers a failed sync was covering', async () => {
    const {runs, sync} = heldSyncs()
    const commit = new GroupCommit(sync)
    const first = commit.request()
    const next = commit.request()
    runs[0].fail(new Error('EIO'))
    await expect(first).rejects.toThrow('EIO')
    await settle()
    runs[1].finish()
    await expect(next).resolves.toBeUndefined()
  })
})
