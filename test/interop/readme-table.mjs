#!/usr/bin/env node
/**
 * The README's compatibility section, generated from the interop matrix (test/interop/MATRIX.md):
 * per client its version, how many scenarios pass, what is skipped and why, what fails, and a
 * plain statement of what kbus does not support. `npm run readme:compat` rewrites the section
 * between the <!-- compatibility --> markers; the interop run does the same after writing
 * MATRIX.md; `--check` exits 1 when the README does not match the matrix.
 *
 * Plain JavaScript so Node runs it as is (the project has no TypeScript runner besides vitest).
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'

export const START_MARKER = '<!-- compatibility -->'
export const END_MARKER = '<!-- /compatibility -->'

const MATRIX_FILE = fileURLToPath(new URL('MATRIX.md', import.meta.url))
const README_FILE = fileURLToPath(new URL('../../README.md', import.meta.url))

/** MATRIX.md's cell texts (test/interop/harness/matrix.ts) → the outcome they stand for. */
const OUTCOMES = new Map([
  ['pass', 'pass'],
  ['pass (listed as known: remove)', 'pass'],
  ['**FAIL**', 'fail'],
  ['known failure', 'known'],
  ['skip', 'skip'],
  ['not run', 'not run'],
])

/**
 * @typedef {{client: string, scenario: string, reason: string}} Reason
 * @typedef {{clients: string[], versions: Map<string, string>, scenarios: Array<{id: string, title: string, outcomes: string[]}>, reasons: Reason[]}} ParsedMatrix
 */

/**
 * Reads the parts of MATRIX.md the section needs. Throws, naming the line, on anything it does
 * not recognise, so a change to the matrix format cannot silently empty the README's table.
 * @param {string} markdown
 * @returns {ParsedMatrix}
 */
export function parseMatrix(markdown) {
  /** @type {ParsedMatrix} */
  const matrix = {clients: [], versions: new Map(), scenarios: [], reasons: []}
  for (const line of markdown.split('\n')) {
    // The client table ends where the next table's heading starts (the other direction: kbus CLI → Apache Kafka).
    if (line.startsWith('## ') && line !== '## Reasons') break
    const version = /^- \*\*(.+?)\*\*: (.*)$/.exec(line)
    const header = /^\| Scenario \| (.*) \|$/.exec(line)
    const row = /^\| (.*) \(`([^`]+)`\) \| (.*) \|$/.exec(line)
    const reason = /^- (.+?) \/ (\S+) \((.+?)\): (.*)$/.exec(line)
    if (version) matrix.versions.set(version[1], version[2])
    else if (header) matrix.clients = header[1].split(' | ')
    else if (row) {
      const outcomes = row[3].split(' | ').map((cell) => {
        const outcome = OUTCOMES.get(cell)
        if (outcome === undefined) throw new Error(`MATRIX.md: unknown outcome '${cell}' in: ${line}`)
        return outcome
      })
      if (outcomes.length !== matrix.clients.length) throw new Error(`MATRIX.md: ${outcomes.length} cells for ${matrix.clients.length} clients in: ${line}`)
      matrix.scenarios.push({id: row[2], title: row[1], outcomes})
    } else if (reason) matrix.reasons.push({client: reason[1], scenario: reason[2], reason: reason[4]})
  }
  if (matrix.clients.length === 0 || matrix.scenarios.length === 0) throw new Error('MATRIX.md: no client × scenario table found')
  return matrix
}

/**
 * The section's markdown, markers included.
 * @param {string} markdown MATRIX.md's text
 */
export function compatibilitySection(markdown) {
  const matrix = parseMatrix(markdown)
  const total = matrix.scenarios.length
  const lines = [
    START_MARKER,
    '## Compatibility',
    '',
    wrap(
      'Clients no one here wrote run against a kbus daemon in `npm run test:interop` (test/interop), ' +
        `${total} scenarios each: topic admin, produce with every acks setting and codec, consume from ` +
        'every start position, consumer groups, the idempotent producer (also with a Produce retry forced by ' +
        'a proxy that drops the response), Kafka\'s perf tools, and each client reading what ' +
        'the others wrote, byte for byte. This section is generated from the last full run, ' +
        '[test/interop/MATRIX.md](test/interop/MATRIX.md), by `npm run readme:compat`.',
    ),
    '',
    '| Client | Version | Passes | Skipped | Fails |',
    '|---|---|---|---|---|',
  ]
  const notes = {skip: [], fail: [], known: []}
  matrix.clients.forEach((client, column) => {
    const ids = (outcome) => matrix.scenarios.filter((s) => s.outcomes[column] === outcome).map((s) => s.id)
    const passed = ids('pass').length
    const skipped = ids('skip')
    const failed = [...ids('fail').map((id) => `\`${id}\``), ...ids('known').map((id) => `\`${id}\` (known)`)]
    const notRun = ids('not run').length
    const passes = `${passed} of ${total}${notRun > 0 ? ` (${notRun} not run)` : ''}`
    const fails = failed.length === 0 ? 'none' : failed.join(', ')
    lines.push(`| ${client} | ${matrix.versions.get(client) ?? 'unknown'} | ${passes} | ${skipped.length} | ${fails} |`)
    for (const outcome of /** @type {const} */ (['skip', 'fail', 'known'])) {
      const grouped = groupByReason(matrix, client, ids(outcome))
      for (const [reason, scenarios] of grouped) notes[outcome].push(wrap(`- **${client}**: ${scenarios.map((id) => `\`${id}\``).join(', ')}: ${reason}`))
    }
  })
  if (notes.fail.length > 0) lines.push('', 'Failing:', '', ...notes.fail)
  if (notes.known.length > 0) lines.push('', 'Known failures (test/interop/known-failures.ts):', '', ...notes.known)
  if (notes.skip.length > 0) lines.push('', 'Skipped, and why:', '', ...notes.skip)
  lines.push('', ...UNSUPPORTED.map((text) => wrap(text)), END_MARKER)
  return `${lines.join('\n')}\n`
}

/**
 * Wraps prose at `width` columns like the rest of the README; a list item's further lines are
 * indented under its text. Words are never broken, so a long link may pass the width.
 * @param {string} text
 */
function wrap(text, width = 100) {
  const indent = text.startsWith('- ') ? '  ' : ''
  const lines = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line)
      line = indent + word
    } else line = line === '' ? word : `${line} ${word}`
  }
  lines.push(line)
  return lines.join('\n')
}

/** @param {ParsedMatrix} matrix @param {string} client @param {string[]} ids @returns {Map<string, string[]>} */
function groupByReason(matrix, client, ids) {
  const grouped = new Map()
  for (const id of ids) {
    const found = matrix.reasons.find((r) => r.client === client && r.scenario === id)
    // A known failure's note reads "<why it is listed> — this run: <what happened>": the first part says it.
    const reason = (found?.reason ?? 'no reason recorded').split(' — this run: ')[0]
    grouped.set(reason, [...(grouped.get(reason) ?? []), id])
  }
  return grouped
}

const UNSUPPORTED = [
  'Not supported, and what a client sees instead:',
  '',
  '- **Transactions in `kbus console-producer`.** The broker runs Kafka transactions, and ' +
    '`kbus producer-perf-test --transactional-id` sends inside them as Kafka\'s tool does, but the ' +
    'console producer refuses `transactional.id` in one line: Kafka\'s console producer cannot use ' +
    'one either.',
  '- **ACLs.** kbus has no authorizer: DescribeAcls, CreateAcls and DeleteAcls are answered ' +
    'SECURITY_DISABLED as by a Kafka broker without one, so `kafka-acls --list` prints Kafka\'s own ' +
    '"No Authorizer is configured on the broker".',
  '- **The KIP-848 consumer group protocol** (`group.protocol=consumer`): ConsumerGroupHeartbeat is ' +
    'not advertised, so such a consumer stops with Kafka\'s "does not support the new CONSUMER group ' +
    'protocol" error. The classic protocol, still Kafka 4\'s default, works.',
  '- **SASL and SSL**: kbus serves PLAINTEXT only, on TCP and its Unix socket; an SSL or SASL listener ' +
    'in the configuration stops the start with a message.',
]

/**
 * Puts `section` between the markers, or right after the Durability section when the README has
 * no markers yet.
 * @param {string} readme
 * @param {string} section
 */
export function withCompatibilitySection(readme, section) {
  const start = readme.indexOf(START_MARKER)
  const end = readme.indexOf(END_MARKER)
  if (start >= 0 && end > start) {
    const after = readme.slice(end + END_MARKER.length).replace(/^\n/, '')
    return readme.slice(0, start) + section + after
  }
  const durability = readme.indexOf('\n## Durability')
  if (durability < 0) throw new Error(`README.md has neither the ${START_MARKER} markers nor a "## Durability" section to follow`)
  const next = readme.indexOf('\n## ', durability + 1)
  if (next < 0) return `${readme.replace(/\n*$/, '\n\n')}${section}`
  return `${readme.slice(0, next + 1)}${section}\n${readme.slice(next + 1)}`
}

/**
 * Rewrites README.md's section from MATRIX.md; returns whether anything changed.
 * @param {{matrixFile?: string, readmeFile?: string}} [files]
 */
export function writeCompatibilitySection({matrixFile = MATRIX_FILE, readmeFile = README_FILE} = {}) {
  const readme = readFileSync(readmeFile, 'utf8')
  const updated = withCompatibilitySection(readme, compatibilitySection(readFileSync(matrixFile, 'utf8')))
  if (updated === readme) return false
  writeFileSync(readmeFile, updated)
  return true
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  if (process.argv.includes('--check')) {
    const readme = readFileSync(README_FILE, 'utf8')
    if (withCompatibilitySection(readme, compatibilitySection(readFileSync(MATRIX_FILE, 'utf8'))) !== readme) {
      console.error('README.md\'s compatibility section does not match test/interop/MATRIX.md: run `npm run readme:compat`.')
      process.exit(1)
    }
  } else {
    console.error(writeCompatibilitySection() ? 'README.md: compatibility section updated from test/interop/MATRIX.md' : 'README.md: compatibility section already up to date')
  }
}
