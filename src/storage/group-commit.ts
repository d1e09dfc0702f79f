/**
 * Group commit: durable appends that arrive while an fsync runs do not each start their own; they
 * wait together for the next one, which covers them all. So N concurrent acks=all producers cost
 * about two fsyncs, not N.
 *
 * `maxRunning` above 1 lets a new fsync start while earlier ones are still running: the kernel
 * then writes the newer pages back while the older journal commit completes, instead of after.
 */
export class GroupCommit {
  private readonly running = new Set<Promise<void>>()
  private next: {promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void} | null = null

  constructor(
    private readonly sync: () => Promise<void>,
    private readonly maxRunning = 1,
  ) {}

  /**
   * Resolves after an fsync that started after this call, so it covers every write completed
   * before it: a new one when fewer than `maxRunning` run, else the next one, shared with later
   * callers.
   */
  request(): Promise<void> {
    if (this.running.size < this.maxRunning && !this.next) return this.start()
    if (!this.next) {
      let resolve!: () => void
      let reject!: (error: unknown) => void
      const promise = new Promise<void>((ok, fail) => {
        resolve = ok
        reject = fail
      })
      this.next = {promise, resolve, reject}
    }
    return this.next.promise
  }

  /** Resolves once no fsync is running or queued (failed ones included). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running])
  }

  private start(): Promise<void> {
    const running = this.sync()
    this.running.add(running)
    const startNext = () => {
      this.running.delete(running)
      const waiting = this.next
      this.next = null
      if (waiting) this.start().then(waiting.resolve, waiting.reject)
    }
    running.then(startNext, startNext)
    return running
  }
}
