#!/usr/bin/env node
/**
 * Bundles every command, with @oclif/core and the rest of what they import, into one CommonJS file:
 * dist/bundle/cli/kbus.cjs, which package.json's oclif section names as the explicit command
 * source. A command then loads one file, compiled once into bin/run.js's V8 code cache, instead of
 * ~350 CommonJS and ~30 ES modules resolved, read and compiled one by one (kbus topics list
 * 129 -> 101 ms).
 *
 * Runs after tsc (it bundles dist/, not the TypeScript), before `oclif manifest`.
 */
import {mkdirSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {dirname, join, relative, sep} from 'node:path'
import {fileURLToPath} from 'node:url'
import {build} from 'esbuild'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const COMMANDS_DIR = join(ROOT, 'dist', 'commands')
const OUTFILE = join(ROOT, 'dist', 'bundle', 'cli', 'kbus.cjs')
/**
 * A bundled module's import.meta.url becomes the bundle's own URL. Modules that resolve package
 * files against it ('../../../bin/daemon.js' in dist/commands/server/) sit three directories below
 * the package root, and so does the bundle, so those URLs still land on the same files.
 */
const BUNDLE_DEPTH = relative(ROOT, dirname(OUTFILE)).split(sep).length
const BUNDLE_URL = '__kbusBundleUrl'
/**
 * The bundle must hold no import(): on Node 20 a function with one cannot run from V8's code cache
 * (src/cli/code-cache.ts), which then leaves such a file uncached. oclif imports plugins and ES
 * module commands by absolute URL; those calls go to a one-line module that Node compiles itself.
 */
const IMPORTER = '__kbusImport'
const IMPORTER_FILE = join(dirname(OUTFILE), 'dynamic-import.cjs')

/** oclif's command ids for the files under dist/commands: path segments joined by ':', index.js naming its directory. */
function commandFiles(dir = COMMANDS_DIR) {
  const files = []
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) files.push(...commandFiles(path))
    else if (name.endsWith('.js')) {
      const segments = relative(COMMANDS_DIR, path).slice(0, -'.js'.length).split(sep)
      if (segments.at(-1) === 'index') segments.pop()
      files.push({id: segments.join(':'), path})
    }
  }
  return files
}

function entrySource(commands) {
  const imports = commands.map(({path}, i) => `import Command${i} from ${JSON.stringify(path)}`)
  const table = commands.map(({id}, i) => `  ${JSON.stringify(id)}: Command${i},`)
  return [...imports, `export const COMMANDS = {`, ...table, `}`, `export {execute} from '@oclif/core'`].join('\n')
}

/** Refuses a bundled module that resolves a relative URL against import.meta.url from another depth. */
function checkRelativeUrls(bundledFiles) {
  for (const file of bundledFiles) {
    if (!file.startsWith('dist/') || !/new URL\(\s*['"]\.\.?\//.test(readFileSync(join(ROOT, file), 'utf8'))) continue
    const depth = dirname(file).split('/').length
    if (depth !== BUNDLE_DEPTH)
      throw new Error(`${file} resolves a relative URL against import.meta.url ${depth} directories down; the bundle is ${BUNDLE_DEPTH} down`)
  }
}

const commands = commandFiles()
if (commands.length === 0) throw new Error(`no commands under ${COMMANDS_DIR}: run tsc first`)
const result = await build({
  stdin: {contents: entrySource(commands), resolveDir: ROOT, sourcefile: 'kbus-commands.js', loader: 'js'},
  outfile: OUTFILE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // @oclif/core requires typescript only to run .ts commands in development; kbus runs compiled ones.
  external: ['typescript'],
  define: {'import.meta.url': BUNDLE_URL},
  banner: {js: `const ${BUNDLE_URL} = require('node:url').pathToFileURL(__filename).href;\nconst ${IMPORTER} = require('./dynamic-import.cjs');`},
  // A quarter less source to read and hash at every start; names stay, for readable stack traces.
  minifyWhitespace: true,
  metafile: true,
  write: false,
  logLevel: 'warning',
  absWorkingDir: ROOT,
})
if (result.warnings.length > 0) throw new Error(`esbuild warned ${result.warnings.length} time(s); see above`)
checkRelativeUrls(Object.keys(result.metafile.inputs))
mkdirSync(dirname(OUTFILE), {recursive: true})
writeFileSync(IMPORTER_FILE, `// Node's own import() for the CLI bundle: see bin/build-bundle.mjs.\nmodule.exports = (url) => import(url)\n`)
writeFileSync(OUTFILE, withoutDynamicImports(result.outputFiles[0].text))

/** Sends every import() in the bundle through IMPORTER; a message naming "import()" keeps its text. */
function withoutDynamicImports(code) {
  const rewritten = code.replaceAll('"import()"', '"import\\x28)"').replace(/(?<![\w$.])import\(/g, `${IMPORTER}(`)
  if (rewritten.includes('import(')) throw new Error('the bundle still holds an import() the rewrite missed')
  return rewritten
}
