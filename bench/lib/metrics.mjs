/**
 * What the benchmark reports: every metric with its unit and direction, the samples gathered per
 * system, their median and spread, the kbus/Kafka ratio, and issue 6's targets checked against them.
 */

export const SYSTEMS = ['kbus', 'kafka', 'nats', 'redis']
export const SYSTEM_NAMES = {kbus: 'kbus', kafka: 'Apache Kafka', nats: 'NATS JetStream', redis: 'Redis Streams'}

/**
 * @typedef {{id: string, label: string, unit: string, better: 'higher' | 'lower'}} Metric
 */

const GENERATORS = {java: 'Java perf tool', kcat: 'kcat (librdkafka)', native: 'own tool'}
const SIZES = {100: '100 B', 1024: '1 KB'}

/** @returns {Metric[]} in report order */
export function catalog() {
  /** @type {Metric[]} */
  const metrics = []
  for (const generator of ['java', 'kcat', 'native'])
    for (const size of [100, 1024])
      for (const acks of ['1', 'all'])
        metrics.push({id: `produce-${generator}-${size}-acks${acks}`, label: `produce ${SIZES[size]}, acks=${acks}, ${GENERATORS[generator]}`, unit: 'records/s', better: 'higher'})
  for (const generator of ['java', 'kcat', 'native'])
    for (const size of [100, 1024])
      metrics.push({id: `consume-${generator}-${size}`, label: `consume ${SIZES[size]}, ${GENERATORS[generator]}`, unit: 'records/s', better: 'higher'})
  metrics.push(
    {id: 'e2e-p50', label: 'end-to-end p50 at 10k records/s', unit: 'ms', better: 'lower'},
    {id: 'e2e-p99', label: 'end-to-end p99 at 10k records/s', unit: 'ms', better: 'lower'},
    {id: 'e2e-p999', label: 'end-to-end p99.9 at 10k records/s', unit: 'ms', better: 'lower'},
    {id: 'cold-start', label: 'cold start to first metadata answer', unit: 'ms', better: 'lower'},
    {id: 'cli-topics-list', label: 'topics list (kbus topics list / kafka-topics --list)', unit: 'ms', better: 'lower'},
    {id: 'cli-help', label: 'help (kbus --help / kafka-topics --help)', unit: 'ms', better: 'lower'},
    {id: 'rss-idle', label: 'broker RSS, idle after start', unit: 'MB', better: 'lower'},
    {id: 'rss-peak', label: 'broker RSS, peak under load', unit: 'MB', better: 'lower'},
  )
  return metrics
}

/**
 * Samples as they come in: per metric, per system, one entry per run (a value or the error that
 * stopped it).
 * @typedef {{round: number, value?: number, mbPerSec?: number, detail?: string, error?: string}} Entry
 */
export class Samples {
  constructor() {
    /** @type {Map<string, Map<string, Entry[]>>} */
    this.byMetric = new Map()
  }

  /** @param {string} metric @param {string} system @param {Entry} entry */
  add(metric, system, entry) {
    if (!this.byMetric.has(metric)) this.byMetric.set(metric, new Map())
    const bySystem = this.byMetric.get(metric)
    if (!bySystem.has(system)) bySystem.set(system, [])
    bySystem.get(system).push(entry)
  }

  /** @param {string} metric @param {string} system @returns {Entry[]} */
  entries(metric, system) {
    return this.byMetric.get(metric)?.get(system) ?? []
  }
}

/** Median (mean of the middle two for an even count), min and max; null for no values. */
export function summarize(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
  return {median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length}
}

/**
 * The results.json "metrics" array: per metric and system the runs, their summary, and the
 * kbus/Kafka ratio of medians where both have one.
 * @param {Samples} samples
 */
export function tabulate(samples) {
  return catalog().flatMap((metric) => {
    const systems = {}
    for (const system of SYSTEMS) {
      const entries = samples.entries(metric.id, system)
      if (entries.length === 0) continue
      const summary = summarize(entries.map((entry) => entry.value))
      const mb = summarize(entries.map((entry) => entry.mbPerSec))
      systems[system] = {
        ...(summary ?? {median: null, min: null, max: null, n: 0}),
        ...(mb ? {mbPerSec: mb.median} : {}),
        runs: entries,
      }
    }
    if (Object.keys(systems).length === 0) return []
    const kbus = systems.kbus?.median
    const kafka = systems.kafka?.median
    const ratio = Number.isFinite(kbus) && Number.isFinite(kafka) && kafka !== 0 ? kbus / kafka : null
    return [{...metric, systems, ratio}]
  })
}

/**
 * Issue 6's targets, each with the figure it was checked on and ✓ (true), ✗ (false) or not
 * measured (null).
 * @param {ReturnType<typeof tabulate>} table
 */
export function checkTargets(table) {
  const byId = new Map(table.map((row) => [row.id, row]))
  const median = (id, system) => byId.get(id)?.systems[system]?.median ?? null
  const ratio = (id) => byId.get(id)?.ratio ?? null
  const targets = []
  const add = (text, value, pass, shown) => targets.push({text, value, pass: value === null ? null : pass, shown: value === null ? 'not measured' : shown})

  for (const row of table.filter((r) => /^(produce|consume)-(java|kcat)-/.test(r.id))) {
    const value = row.ratio
    add(`${row.label}: kbus ≥ 1.0× Kafka`, value, value >= 1, value === null ? '' : `${value.toFixed(2)}×`)
  }
  for (const generator of ['java', 'kcat'])
    for (const size of [100, 1024]) {
      const all = median(`produce-${generator}-${size}-acksall`, 'kbus')
      const one = median(`produce-${generator}-${size}-acks1`, 'kbus')
      const value = all !== null && one ? all / one : null
      add(`kbus acks=all ≥ 0.5× its acks=1, ${size === 100 ? '100 B' : '1 KB'}, ${generator}`, value, value >= 0.5, value === null ? '' : `${value.toFixed(2)}×`)
    }
  const p99 = ratio('e2e-p99')
  add('end-to-end p99: kbus ≤ Kafka', p99, p99 <= 1, p99 === null ? '' : `${p99.toFixed(2)}× (${median('e2e-p99', 'kbus')?.toFixed(1)} vs ${median('e2e-p99', 'kafka')?.toFixed(1)} ms)`)
  const cold = median('cold-start', 'kbus')
  add('kbus cold start ≤ 300 ms', cold, cold <= 300, cold === null ? '' : `${Math.round(cold)} ms`)
  const list = median('cli-topics-list', 'kbus')
  add('kbus topics list ≤ 120 ms median', list, list <= 120, list === null ? '' : `${Math.round(list)} ms`)
  const rss = median('rss-idle', 'kbus')
  add('kbus idle RSS ≤ 80 MB', rss, rss <= 80, rss === null ? '' : `${Math.round(rss)} MB`)
  return targets
}
