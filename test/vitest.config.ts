import {defineConfig} from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // bench/test holds the benchmark's own unit tests (parsers, statistics, report rendering).
          include: ['test/unit/**/*.test.ts', 'bench/test/**/*.test.mjs'],
          testTimeout: 20_000,
          // Unit tests run first; the e2e project follows with its own worker limit.
          sequence: {groupOrder: 0},
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Each e2e file spawns its own daemons; two cores run two files at once.
          fileParallelism: true,
          maxWorkers: 2,
          sequence: {groupOrder: 1},
        },
      },
    ],
  },
})
