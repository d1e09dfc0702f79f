import {defineConfig} from 'vitest/config'

// The interop suite: real Kafka clients against one kbus daemon. Scenarios share that daemon and
// run one after another, so the matrix is deterministic on a 2-core machine.
export default defineConfig({
  test: {
    include: ['test/interop/**/*.test.ts'],
    testTimeout: 120_000,
    // Fetching the peers on a cold machine (apt, PyPI, Maven Central) is the slow part.
    hookTimeout: 900_000,
    fileParallelism: false,
    maxWorkers: 1,
  },
})
