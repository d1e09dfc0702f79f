/**
 * Runs tasks one at a time per key, in arrival order; tasks of different keys run side by side.
 * A transactional id's check, persist and apply must not interleave with another request's for
 * the same id, or a change could be acknowledged from a state that was never durable.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>()

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}
