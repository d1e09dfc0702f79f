#!/usr/bin/env node
/**
 * README's "Performance" section, generated from bench/results.json: `node bench/readme-table.mjs`
 * rewrites what lies between the <!-- performance --> and <!-- /performance --> markers (the
 * benchmark does the same after a full run); `--check` exits 1 when the README is out of date.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import {fileURLToPath} from 'node:url'
import {renderReadmeSection} from './lib/report.mjs'

export const START_MARKER = '<!-- performance -->'
export const END_MARKER = '<!-- /performance -->'

const RESULTS_FILE = fileURLToPath(new URL('results.json', import.meta.url))
const README_FILE = fileURLToPath(new URL('../README.md', import.meta.url))

/**
 * The README with the text between the markers replaced by `body`.
 * @param {string} readme @param {string} body
 */
export function replaceSection(readme, body) {
  const start = readme.indexOf(START_MARKER)
  const end = readme.indexOf(END_MARKER)
  if (start < 0 || end < start)
    throw new Error(`README.md has no ${START_MARKER} … ${END_MARKER} pair; add both where the Performance table belongs`)
  return `${readme.slice(0, start + START_MARKER.length)}\n${body}\n${readme.slice(end)}`
}

/** Rewrites (or, with check, compares) README.md from results.json; true when they agree. */
export function syncReadme({check = false} = {}) {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8'))
  const readme = readFileSync(README_FILE, 'utf8')
  const updated = replaceSection(readme, renderReadmeSection(results))
  if (check) return updated === readme
  if (updated !== readme) writeFileSync(README_FILE, updated)
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const check = process.argv.includes('--check')
    const inStep = syncReadme({check})
    if (check && !inStep) {
      console.error('README.md\'s Performance section does not match bench/results.json: run node bench/readme-table.mjs')
      process.exit(1)
    }
  } catch (error) {
    console.error(error.message)
    process.exit(1)
  }
}
