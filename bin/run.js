#!/usr/bin/env node
// Most of a command's start-up is compiling code: serve it from V8's code cache.
const {installCodeCache} = await import('../dist/src/cli/code-cache.js')
installCodeCache()
// @oclif/core's index checks its own engines field with semver on every start: ~50 CommonJS files
// compiled (~8 ms) for a warning that kbus's engines field (node >= 20) makes moot.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'
// The commands and the @oclif/core they run on, bundled into one CommonJS file (bin/build-bundle.mjs):
// required, not imported, so that the code cache serves it.
const {createRequire} = await import('node:module')
const {execute} = createRequire(import.meta.url)('../dist/bundle/cli/kbus.cjs')

await execute({dir: import.meta.url})
