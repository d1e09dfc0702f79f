/**
 * Every process the benchmark starts goes through here, so that all of them die with it: at a
 * normal exit, on an uncaught failure, and on Ctrl-C or SIGTERM. Brokers that daemonise
 * themselves (kbus) are registered by pid as well. Nothing is killed by name.
 */
import {spawn} from 'node:child_process'
import {readFileSync} from 'node:fs'

/** pid → how to describe it in a leftover warning. */
const owned = new Map()
let hooked = false

function hookExit() {
  if (hooked) return
  hooked = true
  process.on('exit', killOwned)
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      process.stderr.write(`\nbench: ${signal}, stopping everything it started\n`)
      killOwned()
      process.exit(130)
    })
  }
}

/** Synchronous on purpose: it also runs from the 'exit' event, where nothing async may. */
function killOwned() {
  for (const pid of owned.keys()) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  owned.clear()
}

/** @param {number} pid @param {string} what */
export function adopt(pid, what) {
  hookExit()
  owned.set(pid, what)
}

/** @param {number} pid */
export function disown(pid) {
  owned.delete(pid)
}

/**
 * @typedef {{exitCode: number, stdout: string, stderr: string, ms: number, timedOut: boolean}} RunResult
 * @typedef {{timeoutMs?: number, env?: NodeJS.ProcessEnv, cwd?: string, input?: string}} RunOptions
 */

/**
 * Runs a command to its end (SIGKILL at the deadline), timing it from spawn to exit.
 * @param {string} file @param {readonly string[]} args @param {RunOptions} [opts]
 * @returns {Promise<RunResult>}
 */
export function run(file, args, opts = {}) {
  hookExit()
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(file, args, {env: opts.env ?? process.env, cwd: opts.cwd, stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']})
    if (child.pid === undefined) {
      child.once('error', reject)
      return
    }
    owned.set(child.pid, file)
    const out = []
    const err = []
    child.stdout.on('data', (chunk) => out.push(chunk))
    child.stderr.on('data', (chunk) => err.push(chunk))
    if (opts.input !== undefined) child.stdin.end(opts.input)
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 120_000)
    child.once('error', (error) => {
      clearTimeout(timer)
      owned.delete(child.pid)
      reject(error)
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      owned.delete(child.pid)
      resolve({
        exitCode: timedOut ? 124 : code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        timedOut,
      })
    })
  })
}

/** Like run, but anything but exit 0 is an error quoting the command's last output. */
export async function runOk(file, args, opts = {}) {
  const result = await run(file, args, opts)
  if (result.exitCode !== 0) throw new Error(`${file} ${args.slice(0, 4).join(' ')}… ${result.timedOut ? 'timed out' : `exited ${result.exitCode}`}: ${tail(result.stderr || result.stdout)}`)
  return result
}

/**
 * A long-running server process (a broker), its output sent to a file descriptor.
 * @param {string} file @param {readonly string[]} args @param {{env?: NodeJS.ProcessEnv, logFd: number}} opts
 */
export function startServer(file, args, opts) {
  hookExit()
  const child = spawn(file, args, {env: opts.env ?? process.env, stdio: ['ignore', opts.logFd, opts.logFd]})
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.once('error', () => {})
  if (child.pid !== undefined) owned.set(child.pid, file)
  return {
    pid: child.pid ?? -1,
    get running() {
      return child.exitCode === null && child.signalCode === null
    },
    /** SIGTERM, then SIGKILL after graceMs. */
    async stop(graceMs = 20_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
        await exited
        clearTimeout(timer)
      }
      if (child.pid !== undefined) owned.delete(child.pid)
    },
  }
}

/** Resident and peak resident set size of a live process in MB (10^6 bytes), from /proc; null when it is gone. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8')
    const megabytes = (field) => (Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024) / 1e6
    return {rssMB: megabytes('VmRSS'), peakMB: megabytes('VmHWM')}
  } catch {
    return null
  }
}

/** @param {string} text */
export function tail(text, lines = 5) {
  return text.trim().split('\n').filter((line) => line.trim()).slice(-lines).join(' | ').slice(0, 800)
}

/** @param {number} ms */
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
