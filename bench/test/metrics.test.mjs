import {describe, expect, it} from 'vitest'
import {Samples, checkTargets, summarize, tabulate} from '../lib/metrics.mjs'

describe('medians, spreads, ratios and targets', () => {
  it('takes the median of an odd or even count and ignores failed runs', () => {
    expect(summarize([3, 1, 2])).toEqual({median: 2, min: 1, max: 3, n: 3})
    expect(summarize([4, 1, 3, 2])).toEqual({median: 2.5, min: 1, max: 4, n: 4})
    expect(summarize([undefined, 5])).toEqual({median: 5, min: 5, max: 5, n: 1})
    expect(summarize([])).toBeNull()
  })

  it('puts each system in its row with the kbus/Kafka ratio of medians', () => {
    const samples = new Samples()
    for (const [round, kbus, kafka] of [[0, 100, 50], [1, 300, 150], [2, 200, 100]]) {
      samples.add('produce-java-100-acks1', 'kbus', {round, value: kbus, mbPerSec: kbus / 10})
      samples.add('produce-java-100-acks1', 'kafka', {round, value: kafka})
    }
    samples.add('produce-java-100-acks1', 'kafka', {round: 3, error: 'timed out'})
    const [row] = tabulate(samples)
    expect(row.id).toBe('produce-java-100-acks1')
    expect(row.systems.kbus).toMatchObject({median: 200, min: 100, max: 300, n: 3, mbPerSec: 20})
    expect(row.systems.kafka).toMatchObject({median: 100, n: 3})
    expect(row.systems.kafka.runs).toHaveLength(4)
    expect(row.ratio).toBe(2)
  })

  it("checks issue 6's targets, each way round, and says which were not measured", () => {
    const samples = new Samples()
    const add = (metric, system, value) => samples.add(metric, system, {round: 0, value})
    add('produce-kcat-1024-acks1', 'kbus', 100)
    add('produce-kcat-1024-acks1', 'kafka', 120)
    add('produce-kcat-1024-acksall', 'kbus', 60)
    add('e2e-p99', 'kbus', 4)
    add('e2e-p99', 'kafka', 5)
    add('cold-start', 'kbus', 310)
    add('cli-topics-list', 'kbus', 90)
    const targets = checkTargets(tabulate(samples))
    const find = (text) => targets.find((target) => target.text.startsWith(text))
    expect(find('produce 1 KB, acks=1, kcat')).toMatchObject({pass: false, shown: '0.83×'})
    expect(find('kbus acks=all ≥ 0.5× its acks=1, 1 KB, kcat')).toMatchObject({pass: true, shown: '0.60×'})
    expect(find('end-to-end p99')).toMatchObject({pass: true})
    expect(find('kbus cold start')).toMatchObject({pass: false, shown: '310 ms'})
    expect(find('kbus topics list')).toMatchObject({pass: true})
    expect(find('kbus idle RSS')).toMatchObject({pass: null, shown: 'not measured'})
  })
})
