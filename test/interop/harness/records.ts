/**
 * The records every client writes and reads, in one client-neutral shape, and the comparison
 * that decides whether a reader saw exactly what a writer wrote.
 */

/** UTF-8 text, or null. Keys, values and header values are compared as exact bytes of this text. */
export type Text = string | null

export interface OutRecord {
  key: Text
  value: Text
  headers: Array<[string, string]>
  /** CreateTime in ms, for the clients that can set it; absent means "now, by the producer". */
  timestamp?: number
}

export interface ReadRecord {
  partition: number
  offset: number
  key: Text
  value: Text
  headers: Array<[string, string]>
  timestamp: number
}

/** A fixed past CreateTime, so a reader that prints the broker's time instead is caught. */
export const BASE_TIMESTAMP = 1_700_000_000_000

/**
 * The cross-client dataset: a plain record, a null key with non-ASCII text, a tombstone, repeated
 * and non-ASCII headers (a repeated key kept adjacent: kafkajs can express no other order), and
 * JSON-looking bytes. None contains a tab or a newline, so every line
 * oriented tool (kcat, the console producers) can carry it unchanged.
 */
export function crossClientDataset(writer: string): OutRecord[] {
  return [
    {key: 'k1', value: `hello from ${writer}`, headers: [], timestamp: BASE_TIMESTAMP + 1},
    {key: null, value: 'no key, ünïcødé ✓', headers: [], timestamp: BASE_TIMESTAMP + 2},
    {key: 'k3', value: null, headers: [], timestamp: BASE_TIMESTAMP + 3},
    {key: 'k4', value: 'with headers', headers: [['trace', 'abc'], ['trace', 'xyz'], ['lang', '日本']], timestamp: BASE_TIMESTAMP + 4},
    {key: 'k5', value: '{"json":true,"n":5}', headers: [['trace', 'def']], timestamp: BASE_TIMESTAMP + 5},
  ]
}

/** `count` simple records, value `<prefix>-<i>`, key `k<i>`. */
export function numbered(prefix: string, count: number, from = 0): OutRecord[] {
  return Array.from({length: count}, (_, i) => ({key: `k${from + i}`, value: `${prefix}-${from + i}`, headers: []}))
}

/**
 * Throws with a readable difference unless `got` holds exactly `expected`, in order. Timestamps
 * are checked where the writer set one (`timestamps` overrides them with what a reference reader
 * saw, for writers that cannot set them).
 */
export function assertSameRecords(got: readonly ReadRecord[], expected: readonly OutRecord[], timestamps?: readonly number[]): void {
  if (got.length !== expected.length)
    throw new Error(`expected ${expected.length} records, read ${got.length}: ${preview(got)}`)
  got.forEach((record, i) => {
    const want = expected[i]!
    const problems: string[] = []
    if (record.key !== want.key) problems.push(`key ${show(record.key)} ≠ ${show(want.key)}`)
    if (record.value !== want.value) problems.push(`value ${show(record.value)} ≠ ${show(want.value)}`)
    if (JSON.stringify(record.headers) !== JSON.stringify(want.headers))
      problems.push(`headers ${JSON.stringify(record.headers)} ≠ ${JSON.stringify(want.headers)}`)
    const wantTimestamp = timestamps?.[i] ?? want.timestamp
    if (wantTimestamp !== undefined && record.timestamp !== wantTimestamp)
      problems.push(`timestamp ${record.timestamp} ≠ ${wantTimestamp}`)
    if (problems.length > 0) throw new Error(`record ${i} (offset ${record.offset}): ${problems.join('; ')}`)
  })
}

/** The values only, for scenarios that care about which records arrived, not their details. */
export function values(records: readonly ReadRecord[]): Text[] {
  return records.map((record) => record.value)
}

function show(text: Text): string {
  return text === null ? 'null' : JSON.stringify(text)
}

function preview(records: readonly ReadRecord[]): string {
  const shown = records.slice(0, 6).map((r) => `${r.partition}@${r.offset}=${show(r.value)}`)
  return `[${shown.join(', ')}${records.length > 6 ? ', …' : ''}]`
}
