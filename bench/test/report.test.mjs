import {describe, expect, it} from 'vitest'
import {Samples, checkTargets, tabulate} from '../lib/metrics.mjs'
import {formatCell, renderReadmeSection, renderResultsMarkdown} from '../lib/report.mjs'
import {END_MARKER, START_MARKER, replaceSection} from '../readme-table.mjs'

function results() {
  const samples = new Samples()
  for (const round of [0, 1, 2]) {
    samples.add('produce-java-100-acks1', 'kbus', {round, value: 400_000 + round * 1000, mbPerSec: 38})
    samples.add('produce-java-100-acks1', 'kafka', {round, value: 200_000, mbPerSec: 19})
    samples.add('cold-start', 'kbus', {round, value: 180 + round})
    samples.add('cold-start', 'kafka', {round, value: 4200})
  }
  samples.add('produce-native-100-acks1', 'redis', {round: 0, value: 190_000})
  samples.add('cold-start', 'kafka', {round: 3, error: 'Apache Kafka did not come up'})
  const metrics = tabulate(samples)
  return {
    meta: {
      command: 'npm run bench', date: '2026-11-24T12:00:00Z', runs: 3, notes: ['NATS JetStream skipped: no nats-server.'],
      machine: {cpu: 'AMD EPYC', cores: 2, memory: '24 GiB', kernel: '6.1'}, versions: {kbus: '0.1.0'}, method: ['Servers: fresh per round.'],
    },
    metrics,
    targets: checkTargets(metrics),
  }
}

describe('RESULTS.md and the README section', () => {
  it('writes median, spread and MB/s in a cell, and counts failures', () => {
    const {metrics} = results()
    const produce = metrics.find((row) => row.id === 'produce-java-100-acks1')
    expect(formatCell(produce.systems.kbus, 'records/s')).toBe('401,000 (400,000–402,000), 38.0 MB/s')
    const cold = metrics.find((row) => row.id === 'cold-start')
    expect(formatCell(cold.systems.kafka, 'ms')).toBe('4200 (4200–4200) · 1 failed')
  })

  it('renders both tables, the targets, the notes and each failure', () => {
    const markdown = renderResultsMarkdown(results())
    expect(markdown).toContain('| produce 100 B, acks=1, Java perf tool (records/s) | 401,000 (400,000–402,000), 38.0 MB/s | 200,000 (200,000–200,000), 19.0 MB/s | 2.00× |')
    expect(markdown).toContain('| produce 100 B, acks=1, own tool (records/s) |  | 190,000 |')
    expect(markdown).toContain('| kbus cold start ≤ 300 ms | 181 ms | ✓ |')
    expect(markdown).toContain('| kbus idle RSS ≤ 80 MB | not measured | – |')
    expect(markdown).toContain('- NATS JetStream skipped: no nats-server.')
    expect(markdown).toContain('cold start to first metadata answer, Apache Kafka, round 4: Apache Kafka did not come up')
  })

  it('puts only rows with both brokers in the README table', () => {
    const section = renderReadmeSection(results())
    expect(section).toContain('| cold start to first metadata answer (ms) | 181 | 4200 | 0.04× |')
    expect(section).not.toContain('own tool')
  })

  it('replaces only what lies between the markers', () => {
    const readme = `# kbus\n\n## Performance\n${START_MARKER}\nold table\n${END_MARKER}\n\n## More\n`
    expect(replaceSection(readme, 'new table')).toBe(`# kbus\n\n## Performance\n${START_MARKER}\nnew table\n${END_MARKER}\n\n## More\n`)
    expect(() => replaceSection('# kbus\n', 'new table')).toThrow(/no <!-- performance -->/)
  })
})
