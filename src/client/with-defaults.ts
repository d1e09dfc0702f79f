/** Fills options left out — or passed as undefined, which a plain spread would keep — from defaults. */
export function withDefaults<T extends object>(defaults: Required<T>, options: T): Required<T> {
  const merged = {...defaults}
  for (const [name, value] of Object.entries(options)) if (value !== undefined) (merged as Record<string, unknown>)[name] = value
  return merged
}
