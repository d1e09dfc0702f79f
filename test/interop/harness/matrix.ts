/** Collects each client × scenario outcome and renders the matrix for the console and MATRIX.md. */

export type Status = 'pass' | 'fail' | 'known' | 'fixed' | 'skip'

export interface Outcome {
  status: Status
  /** Why it failed or was skipped; for `known` and `fixed`, the known-failure entry. */
  reason?: string
}

const SYMBOL: Record<Status, string> = {
  pass: 'pass',
  fail: '**FAIL**',
  known: 'known failure',
  fixed: 'pass (listed as known: remove)',
  skip: 'skip',
}

export class Matrix {
  private readonly cells = new Map<string, Outcome>()
  private readonly versions = new Map<string, string>()

  constructor(
    private readonly clients: readonly string[],
    private readonly scenarios: ReadonlyArray<{id: string; title: string}>,
  ) {}

  setVersion(client: string, version: string): void {
    this.versions.set(client, version)
  }

  record(client: string, scenario: string, outcome: Outcome): void {
    this.cells.set(`${client}/${scenario}`, outcome)
  }

  counts(): Record<Status, number> {
    const counts: Record<Status, number> = {pass: 0, fail: 0, known: 0, fixed: 0, skip: 0}
    for (const outcome of this.cells.values()) counts[outcome.status]++
    return counts
  }

  /** `level` 1 for the document's first table, 2 for a table that follows it. */
  toMarkdown(heading: string, intro: string, level: 1 | 2 = 1): string {
    const lines = [`${'#'.repeat(level)} ${heading}`, '', intro, '']
    for (const client of this.clients) lines.push(`- **${client}**: ${this.versions.get(client) ?? 'not prepared'}`)
    lines.push('', `| Scenario | ${this.clients.join(' | ')} |`, `|---|${this.clients.map(() => '---').join('|')}|`)
    const notes: string[] = []
    for (const scenario of this.scenarios) {
      const row = this.clients.map((client) => {
        const outcome = this.cells.get(`${client}/${scenario.id}`)
        if (!outcome) return 'not run'
        if (outcome.reason) notes.push(`- ${client} / ${scenario.id} (${SYMBOL[outcome.status]}): ${escapeCell(outcome.reason)}`)
        return SYMBOL[outcome.status]
      })
      lines.push(`| ${scenario.title} (\`${scenario.id}\`) | ${row.join(' | ')} |`)
    }
    const c = this.counts()
    lines.push('', `${c.pass + c.fixed} passed, ${c.fail} failed, ${c.known} known failures, ${c.skip} skipped.`)
    if (notes.length > 0) lines.push('', `${'#'.repeat(level + 1)} Reasons`, '', ...notes)
    return `${lines.join('\n')}\n`
  }

  /** A plain-text table for the console, reasons after it. */
  toText(): string {
    const width = Math.max(...this.scenarios.map((s) => s.id.length))
    const col = (text: string) => text.padEnd(16).slice(0, 16)
    const lines = [`${''.padEnd(width)}  ${this.clients.map(col).join(' ')}`]
    for (const scenario of this.scenarios) {
      const row = this.clients.map((client) => col(this.cells.get(`${client}/${scenario.id}`)?.status ?? '-'))
      lines.push(`${scenario.id.padEnd(width)}  ${row.join(' ')}`)
    }
    for (const [key, outcome] of this.cells) if (outcome.status !== 'pass' && outcome.reason) lines.push(`  ${outcome.status} ${key}: ${outcome.reason}`)
    return lines.join('\n')
  }
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}
