#!/usr/bin/env node
// The background broker of `kbus server start --daemon` (src/daemon/background-child.ts).
const {runBackgroundChild} = await import('../dist/src/daemon/background-child.js')

await runBackgroundChild(process.argv.slice(2))
