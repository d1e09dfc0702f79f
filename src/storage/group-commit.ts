/**
 * Group commit: durable appends that arrive while an fsync runs do not each start their own; they
 * wait together for the next one, which covers them all. So N concurrent acks=all producers cost
 * about two fsyncs, not N.
 */
export class GroupCommit {
  private running: Promise<void> | null = null
  private next: {promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void} | null = null

  constructor(private readonly sync: () => Promise<void>) {}

  /**
   * Resolves after an fsync that started after this call, so it covers every write completed
   * before it: the running one if none is running, else the next one, shared with later callers.
   */
  request(): Promise<void> {
    if (!this.running) return this.start()
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
    while (this.running) await this.running.catch(() => {})
  }

  private start(): Promise<void> {
    const running = this.sync()
    this.running = running
    const startNext = () => {
      this.running = null
      const waiting = this.next
      this.next = null
      if (waiting) this.start().then(waiting.resolve, waiting.reject)
    }
    running.then(startNext, startNext)
    return running
  }
}
