/**
 * The README's compatibility section is generated from the interop matrix: the committed README
 * must match the committed MATRIX.md, and the generator must place and replace the section.
 */
import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'
import {
  compatibilitySection,
  END_MARKER,
  parseMatrix,
  START_MARKER,
  withCompatibilitySection,
} from '../interop/readme-table.mjs'

const read = (path: string) => readFileSync(new URL(path, import.meta.url), 'utf8')

const MATRIX = `# kbus interop matrix

- **kcat**: 1.7.1
- **kbus CLI**: kbus/0.1.0

| Scenario | kcat | kbus CLI |
|---|---|---|
| metadata: lists a topic (\`metadata\`) | pass | pass |
| topic admin (\`topic-admin\`) | skip | pass (listed as known: remove) |
| idempotent producer (\`idempotent\`) | **FAIL** | known failure |

## Reasons

- kcat / topic-admin (skip): kcat has no admin commands
- kbus CLI / topic-admin (pass (listed as known: remove)): passes now
- kcat / idempotent (**FAIL**): stored batches without a producer id
- kbus CLI / idempotent (known failure): not implemented yet — this run: no producer id
`

const README = '# kbus\n\nIntro.\n\n## Durability\n\n- fsync.\n\n## Commands\n\nTable.\n'

describe('README compatibility section', () => {
  it('matches the committed test/interop/MATRIX.md (run `npm run readme:compat` after an interop run)', () => {
    const readme = read('../../README.md')
    expect(withCompatibilitySection(readme, compatibilitySection(read('../interop/MATRIX.md')))).toBe(readme)
  })

  it('counts passes per client and lists skips, failures and known failures with their reasons', () => {
    const section = compatibilitySection(MATRIX)
    expect(section).toContain('| kcat | 1.7.1 | 1 of 3 | 1 | `idempotent` |')
    expect(section).toContain('| kbus CLI | kbus/0.1.0 | 2 of 3 | 0 | `idempotent` (known) |')
    expect(section).toContain('- **kcat**: `topic-admin`: kcat has no admin commands')
    expect(section).toContain('- **kcat**: `idempotent`: stored batches without a producer id')
    expect(section).toContain('- **kbus CLI**: `idempotent`: not implemented yet\n')
    expect(section).toMatch(/\*\*Transactions in `kbus console-producer`\.\*\*/)
    expect(section).toMatch(/KIP-848/)
    expect(section).toMatch(/SASL and SSL/)
  })

  it('goes right after the Durability section the first time, then replaces itself in place', () => {
    const first = withCompatibilitySection(README, compatibilitySection(MATRIX))
    expect(first.indexOf('## Durability')).toBeLessThan(first.indexOf(START_MARKER))
    expect(first.indexOf(END_MARKER)).toBeLessThan(first.indexOf('## Commands'))
    expect(first.startsWith('# kbus\n\nIntro.\n\n## Durability\n\n- fsync.\n\n<!-- compatibility -->')).toBe(true)
    const changed = MATRIX.replace('| metadata: lists a topic (`metadata`) | pass | pass |', '| metadata: lists a topic (`metadata`) | skip | pass |')
    const second = withCompatibilitySection(first, compatibilitySection(changed))
    expect(second.split(START_MARKER)).toHaveLength(2)
    expect(second).toContain('| kcat | 1.7.1 | 0 of 3 | 2 |')
    expect(withCompatibilitySection(second, compatibilitySection(changed))).toBe(second)
  })

  it('reads the client table only, not the kbus CLI → Apache Kafka table that follows it', () => {
    const withSecondTable = `${MATRIX}
## The other direction: kbus CLI → Apache Kafka

- **kbus CLI → kbus**: a kbus daemon

| Scenario | kbus CLI → kbus | kbus CLI → Apache Kafka |
|---|---|---|
| topics (\`topics\`) | pass | **FAIL** |
`
    expect(compatibilitySection(withSecondTable)).toBe(compatibilitySection(MATRIX))
  })

  it('refuses a matrix it cannot read rather than writing an empty table', () => {
    expect(() => parseMatrix('# nothing here\n')).toThrow(/no client × scenario table/)
    expect(() => parseMatrix(MATRIX.replace('| pass | pass |', '| pass | maybe |'))).toThrow(/unknown outcome 'maybe'/)
  })
})
