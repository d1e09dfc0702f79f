import {chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'
import {CodeCache} from '../../../src/cli/code-cache.js'

let root: string
let cacheDir: string
let packageDir: string
let active: CodeCache | undefined

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kbus-code-cache-test-'))
  cacheDir = join(root, 'cache')
  packageDir = join(root, 'pkg')
  mkdirSync(packageDir)
  writeModule('package.json', '{"type": "commonjs"}')
})

afterEach(() => {
  active?.uninstall()
  active = undefined
  rmSync(root, {recursive: true, force: true})
})

function writeModule(name: string, source: string): void {
  writeFileSync(join(packageDir, name), source)
}

/** One CLI run: a fresh module registry, the cache installed, the module required, the cache saved. */
function run(entry: string, opts: {dir?: string} = {}): unknown {
  const require = createRequire(join(packageDir, 'index.js'))
  for (const key of Object.keys(require.cache)) if (key.startsWith(packageDir)) delete require.cache[key]
  active = new CodeCache(opts.dir ?? cacheDir, 'test')
  active.install()
  try {
    return require(`./${entry}`)
  } finally {
    active.uninstall()
    active.save()
    active = undefined
  }
}

function cacheFile(): string {
  return join(cacheDir, 'test.bin')
}

function fileIdentity(path: string): string {
  const stats = statSync(path)
  return `${stats.ino}:${stats.mtimeMs}:${stats.size}`
}

describe('V8 code cache for CommonJS', () => {
  it('a module served from the cache behaves as one Node compiled, and an unchanged run rewrites nothing', () => {
    writeModule('helper.js', 'exports.twice = (n) => n * 2\n')
    writeModule(
      'main.js',
      [
        "'use strict'",
        "const {twice} = require('./helper')",
        'module.exports = {',
        '  value: twice(21),',
        '  dir: __dirname,',
        '  file: __filename,',
        "  resolved: require.resolve('./helper'),",
        '  sameModule: module.exports === exports,',
        '  thisIsExports: this === exports,',
        '  strict: (function () { return this === undefined })(),',
        '}',
      ].join('\n'),
    )
    const expected = {
      value: 42,
      dir: packageDir,
      file: join(packageDir, 'main.js'),
      resolved: join(packageDir, 'helper.js'),
      sameModule: true,
      thisIsExports: true,
      strict: true,
    }

    expect(run('main.js')).toEqual(expected)
    const written = fileIdentity(cacheFile())
    expect(run('main.js')).toEqual(expected)
    expect(fileIdentity(cacheFile())).toBe(written)
  })

  it('an edited file runs its new code, even when its length is unchanged', () => {
    writeModule('answer.js', "module.exports = 'old answer'\n")
    expect(run('answer.js')).toBe('old answer')
    writeModule('answer.js', "module.exports = 'new answer'\n")
    expect(run('answer.js')).toBe('new answer')
    expect(run('answer.js')).toBe('new answer')
  })

  it('a damaged cache file is ignored and replaced', () => {
    writeModule('answer.js', 'module.exports = 6 * 7\n')
    run('answer.js')
    const bytes = readFileSync(cacheFile())
    for (let i = bytes.length - 64; i < bytes.length; i++) bytes[i] ^= 0xff
    writeFileSync(cacheFile(), bytes)

    expect(run('answer.js')).toBe(42)
    expect(readFileSync(cacheFile()).equals(bytes)).toBe(false)
    const repaired = fileIdentity(cacheFile())
    expect(run('answer.js')).toBe(42)
    expect(fileIdentity(cacheFile())).toBe(repaired)
  })

  it('a cache directory that others may write to is neither read nor written', () => {
    writeModule('answer.js', 'module.exports = 42\n')
    run('answer.js')
    chmodSync(cacheDir, 0o777)
    rmSync(cacheFile())

    expect(run('answer.js')).toBe(42)
    expect(readdirSync(cacheDir)).toEqual([])
  })

  it('a cache that cannot be written costs the run nothing', () => {
    writeModule('answer.js', 'module.exports = 42\n')
    const blocked = join(root, 'a-file')
    writeFileSync(blocked, '')

    expect(run('answer.js', {dir: join(blocked, 'cache')})).toBe(42)
  })

  it('a module with a dynamic import() is left to Node, so the import works', async () => {
    writeModule('lazy.js', "exports.load = () => import('node:path').then((path) => path.sep)\n")
    const lazy = run('lazy.js') as {load: () => Promise<string>}
    await expect(lazy.load()).resolves.toBe('/')
  })
})
