/** Runs the built CLI (`bin/run.js`) as a user would, in a private KBUS_HOME, never in colour. */
import {mkdtempSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'
import {execa} from 'execa'

export const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))

export interface KbusResult {
  stdout: string
  stderr: string
  exitCode: number
}

export interface KbusOptions {
  /** KBUS_HOME for the command; by default a private empty one, never the user's ~/.kbus. */
  home?: string
  input?: string | Buffer
  env?: Record<string, string>
  timeout?: number
}

let scratchHome: string | undefined

/** A short temp dir: the Unix socket path inside it must stay under 100 bytes. */
export function makeTempHome(): string {
  return mkdtempSync(join(tmpdir(), 'kbus-'))
}

export async function kbus(args: string[], opts: KbusOptions = {}): Promise<KbusResult> {
  const home = opts.home ?? (scratchHome ??= makeTempHome())
  const result = await execa(process.execPath, [BIN, ...args], {
    env: cliEnv(home, opts.env),
    extendEnv: false,
    // Without input, stdin is /dev/null (as in a CI job), never the test runner's.
    ...(opts.input === undefined ? {stdin: 'ignore' as const} : {input: opts.input}),
    timeout: opts.timeout ?? 30_000,
    reject: false,
    stripFinalNewline: false,
  })
  return {
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    exitCode: result.exitCode ?? (result.signal ? 128 : 1),
  }
}

/** The environment every spawned kbus gets: the test's home, no colour, no inherited broker address. */
export function cliEnv(home: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('KBUS_') || key === 'FORCE_COLOR') continue
    env[key] = value
  }
  return {...env, KBUS_HOME: home, NO_COLOR: '1', OCLIF_SKIP_NEW_VERSION_CHECK: 'true', ...extra}
}
