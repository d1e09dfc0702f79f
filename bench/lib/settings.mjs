/** Paths, pinned peer versions, JVM flags and the two run profiles (default and --quick). */
import {fileURLToPath} from 'node:url'

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '')
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '')
/** bench/.cache (git-ignored): the nats CLI, the compiled Java helper, payload files, run dirs. */
export const BENCH_CACHE = `${BENCH_DIR}/.cache`
export const KBUS_BIN = `${REPO_ROOT}/bin/run.js`

export const NATSCLI_VERSION = 'v0.5.1'

/** KAFKA_JVM_PERFORMANCE_OPTS as kafka-run-class.sh sets them by default. */
const KAFKA_JVM_PERFORMANCE_OPTS = [
  '-server', '-XX:+UseG1GC', '-XX:MaxGCPauseMillis=20', '-XX:InitiatingHeapOccupancyPercent=35',
  '-XX:+ExplicitGCInvokesConcurrent', '-Djava.awt.headless=true',
]
/** kafka-server-start.sh's default KAFKA_HEAP_OPTS. */
export const KAFKA_BROKER_JVM = ['-Xmx1G', '-Xms1G', ...KAFKA_JVM_PERFORMANCE_OPTS]
/** kafka-producer-perf-test.sh / kafka-consumer-perf-test.sh set -Xmx512M. */
export const KAFKA_PERF_JVM = ['-Xmx512M', ...KAFKA_JVM_PERFORMANCE_OPTS]
/** kafka-topics.sh runs with kafka-run-class.sh's default heap, -Xmx256M. */
export const KAFKA_CLI_JVM = ['-Xmx256M', ...KAFKA_JVM_PERFORMANCE_OPTS]

/**
 * @typedef {{100: number, 1024: number}} Sizes
 * @typedef {{
 *   name: string,
 *   runs: number,
 *   records: {java: Sizes, kcat: Sizes, native: Sizes},
 *   warmupRecords: number,
 *   e2e: {rate: number, seconds: number, warmupSeconds: number, size: number},
 *   cliRepeats: {kbus: number, kafka: number},
 *   runTimeoutMs: number,
 * }} Profile
 */

/** The full run: about 15–20 minutes on 2 cores with --runs 3. */
export const DEFAULT_PROFILE = {
  name: 'default',
  runs: 3,
  // kcat sends about four times as fast as ProducerPerformance: four times the records keeps its runs seconds long.
  records: {java: {100: 500_000, 1024: 100_000}, kcat: {100: 2_000_000, 1024: 400_000}, native: {100: 500_000, 1024: 100_000}},
  warmupRecords: 100_000,
  e2e: {rate: 10_000, seconds: 20, warmupSeconds: 5, size: 1024},
  cliRepeats: {kbus: 10, kafka: 3},
  runTimeoutMs: 180_000,
}

/** A smoke run of a minute or two: every step once, small counts, no claim about speed. */
export const QUICK_PROFILE = {
  name: 'quick',
  runs: 1,
  records: {java: {100: 50_000, 1024: 10_000}, kcat: {100: 200_000, 1024: 40_000}, native: {100: 50_000, 1024: 10_000}},
  warmupRecords: 10_000,
  e2e: {rate: 10_000, seconds: 4, warmupSeconds: 1, size: 1024},
  cliRepeats: {kbus: 3, kafka: 1},
  runTimeoutMs: 90_000,
}

/**
 * @param {readonly string[]} argv
 * @returns {Profile & {readme: boolean}}
 */
export function parseArgs(argv) {
  let quick = false
  let runs
  let readme = true
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') quick = true
    else if (arg === '--no-readme') readme = false
    else if (arg === '--runs' || arg.startsWith('--runs=')) {
      const text = arg.includes('=') ? arg.slice('--runs='.length) : argv[++i]
      runs = Number(text)
      if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new UsageError(`--runs wants a whole number from 1 to 20, got '${text}'`)
    } else if (arg === '--help' || arg === '-h') throw new UsageError(USAGE)
    else throw new UsageError(`unknown option '${arg}'\n${USAGE}`)
  }
  const profile = quick ? QUICK_PROFILE : DEFAULT_PROFILE
  return {...profile, runs: runs ?? profile.runs, readme}
}

export const USAGE = `usage: npm run bench [-- [--quick] [--runs N] [--no-readme]]
  --quick      a smoke run: small counts, one round (a minute or two); results go to bench/.cache/quick/
  --runs N     interleaved rounds per measurement (default 3; medians and min–max over them)
  --no-readme  leave README.md's Performance section alone`

export class UsageError extends Error {}
