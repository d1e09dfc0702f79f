/**
 * Lets a long-polling Fetch sleep until one of its partitions receives data. The watch is armed
 * BEFORE the fetch reads, so an append that lands between the read and the wait still wakes it.
 */
import type {Partition} from './partition.js'

export class AppendWatch {
  readonly woken: Promise<void>
  private wake!: () => void
  private readonly unsubscribes: (() => void)[] = []

  constructor(
    partitions: Iterable<Partition>,
    private readonly signal: AbortSignal,
  ) {
    this.woken = new Promise((resolve) => (this.wake = resolve))
    for (const partition of partitions) this.unsubscribes.push(partition.onAppend(this.wake))
    signal.addEventListener('abort', this.wake)
  }

  /** Resolves on the first append, on abort, or at `deadline` (epoch ms). */
  async until(deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))))
    try {
      await Promise.race([this.woken, timeout])
    } finally {
      clearTimeout(timer)
      this.dispose()
    }
  }

  dispose(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe()
    this.unsubscribes.length = 0
    this.signal.removeEventListener('abort', this.wake)
  }
}
