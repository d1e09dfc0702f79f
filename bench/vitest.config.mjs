import {defineConfig} from 'vitest/config'

// The benchmark's own unit tests (parsers, statistics, report rendering, process handling):
// npx vitest run --config bench/vitest.config.mjs. They run nothing heavy and start no broker.
export default defineConfig({
  test: {
    include: ['bench/test/**/*.test.mjs'],
    testTimeout: 20_000,
  },
})
