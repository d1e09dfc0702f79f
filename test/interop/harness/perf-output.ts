/**
 * Reads the closing summaries of the producer and consumer perf tools, Kafka's and kbus's alike
 * (kbus prints Kafka's lines): the count each reports is what the perf-tools scenario checks.
 */

/** The producer tool's last line: "20000 records sent, … records/sec (… MB/sec), … ms avg latency, … 99.9th." */
export function producerPerfSummary(stdout: string): {line: string; sent: number} {
  const line = stdout.split('\n').map((l) => l.trim()).filter((l) => /^\d+ records sent, .*ms avg latency, .* 99\.9th\.$/.test(l)).pop()
  if (line === undefined) throw new Error(`no closing summary ("N records sent, … 99.9th.") in the producer perf tool's output: ${tail(stdout)}`)
  return {line, sent: Number(line.slice(0, line.indexOf(' ')))}
}

/** The consumer tool's stats: a header naming the columns, then one line of values. */
export function consumerPerfSummary(stdout: string): {lines: string; consumed: number} {
  const lines = stdout.split('\n').map((l) => l.trim())
  const at = lines.findIndex((l) => l.startsWith('start.time, end.time,'))
  const header = lines[at]?.split(', ')
  const values = lines[at + 1]?.split(', ')
  const column = header?.indexOf('data.consumed.in.nMsg') ?? -1
  if (at < 0 || column < 0 || values === undefined || values.length !== header!.length)
    throw new Error(`no stats header and line (start.time, end.time, … data.consumed.in.nMsg …) in the consumer perf tool's output: ${tail(stdout)}`)
  return {lines: `${lines[at]}\n${lines[at + 1]}`, consumed: Number(values[column])}
}

function tail(text: string): string {
  return JSON.stringify(text.trim().split('\n').slice(-4).join(' | ').slice(-500))
}
