/**
 * DESIGN.md's dependency rules, checked on every import in the tree: commands → cli → client →
 * protocol; daemon → server → broker → storage and protocol. A violation names the file and the
 * import that breaks the rule.
 */
import {readdirSync, readFileSync} from 'node:fs'
import {dirname, join, relative, resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), {withFileTypes: true, recursive: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
}

/** The layer a file belongs to: `src/broker/api/x.ts` → `broker`, `commands/…` → `commands`. */
function layerOf(path: string): string {
  const [top, second] = path.split('/')
  return top === 'src' ? second : top
}

function importsOf(path: string): {specifier: string; target: string}[] {
  const text = readFileSync(join(ROOT, path), 'utf8')
  const found = [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)].map((match) => match[1])
  found.push(...[...text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((match) => match[1]))
  return found.map((specifier) => ({
    specifier,
    target: specifier.startsWith('.') ? relative(ROOT, resolve(ROOT, dirname(path), specifier)) : specifier,
  }))
}

/** Which layers each layer may import (besides itself and npm packages). */
const ALLOWED: Record<string, string[]> = {
  protocol: [],
  storage: ['protocol', 'daemon/logger'],
  broker: ['protocol', 'storage', 'config', 'daemon/logger'],
  server: ['daemon/logger', 'config'],
  daemon: ['broker', 'server', 'storage', 'protocol', 'config'],
  config: [],
  client: ['protocol', 'config'],
  cli: ['client', 'protocol', 'config'],
  commands: ['cli', 'client', 'protocol', 'config'],
}
/** Only `server start` composes the daemon. */
const DAEMON_ENTRY = /^commands\/server\//

function allowed(fromLayer: string, fromPath: string, target: string): boolean {
  if (!target.startsWith('src/')) return true
  const layer = layerOf(target)
  if (layer === fromLayer) return true
  if (fromLayer === 'commands' && layer === 'daemon' && DAEMON_ENTRY.test(fromPath)) return true
  return (ALLOWED[fromLayer] ?? []).some((rule) => (rule.includes('/') ? target.startsWith(`src/${rule}`) : layer === rule))
}

describe('dependency direction', () => {
  const files = [...sourceFiles('src'), ...sourceFiles('commands')]

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(5)
  })

  it('points every import the way DESIGN.md says', () => {
    const violations: string[] = []
    for (const file of files) {
      const fromLayer = layerOf(file)
      for (const {specifier, target} of importsOf(file)) {
        if (!allowed(fromLayer, file, target)) violations.push(`${file} imports ${specifier}`)
      }
    }
    expect(violations).toEqual([])
  })

  it('keeps node:net out of the broker and storage', () => {
    const offenders = files.filter(
      (file) => ['broker', 'storage', 'protocol'].includes(layerOf(file)) && importsOf(file).some(({specifier}) => specifier === 'node:net'),
    )
    expect(offenders).toEqual([])
  })
})
