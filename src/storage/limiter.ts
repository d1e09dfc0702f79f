/**
 * At most `limit` tasks at a time, the rest started in arrival order as slots free up: many
 * logs made or opened at once overlap their I/O without a burst of open files.
 */
export class Limiter {
  private active = 0
  private readonly waiting: Array<() => void> = []

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.active++
    try {
      return await task()
    } finally {
      // The slot passes straight to the next waiter, so `active` only drops when none waits.
      const next = this.waiting.shift()
      if (next) next()
      else this.active--
    }
  }
}
