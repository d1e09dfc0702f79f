/** Polls until `fn` returns something truthy, or fails at the deadline with the last reason. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | false> | T | undefined | false,
  opts: {timeout?: number; interval?: number; what?: string} = {},
): Promise<T> {
  const timeout = opts.timeout ?? 10_000
  const interval = opts.interval ?? 50
  const deadline = Date.now() + timeout
  let lastError: unknown
  for (;;) {
    try {
      const value = await fn()
      if (value !== undefined && value !== false && value !== null) return value as T
    } catch (error) {
      lastError = error
    }
    if (Date.now() >= deadline) {
      const reason = lastError instanceof Error ? `: ${lastError.message}` : ''
      throw new Error(`Timed out after ${timeout} ms waiting for ${opts.what ?? 'a condition'}${reason}`)
    }
    await new Promise((resolve) => setTimeout(resolve, interval))
  }
}
