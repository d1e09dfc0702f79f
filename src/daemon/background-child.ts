/**
 * The broker that `kbus server start --daemon` leaves running (spawned as bin/daemon.js). The
 * parent has already parsed and checked the command line, so the child skips the CLI framework:
 * loading oclif would cost ~80 ms before the broker's own modules start loading, and the parent
 * is waiting for exactly that. Its output goes to server.log, where the parent looks for a
 * refused start's one "Error: …" line.
 */
import {readFile} from 'node:fs/promises'
import {kbusPaths} from '../config/paths.js'
import {parseChildArgs} from './child-args.js'
import {createLogger, parseLogLevel} from './logger.js'
import {catchStopSignals, startBroker} from './run.js'

export async function runBackgroundChild(argv: string[]): Promise<never> {
  const logger = createLogger(process.stderr, {level: parseLogLevel(process.env.KBUS_LOG_LEVEL)})
  const signals = catchStopSignals(logger)
  try {
    const daemon = await startBroker({input: parseChildArgs(argv), paths: kbusPaths(), logger, version: await kbusVersion()})
    await signals.stopDaemon(daemon)
  } catch (error) {
    if (process.env.KBUS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
    process.stderr.write(`Error: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
  // Whatever timers storage or clients left behind, a clean stop ends the process now.
  process.exit(0)
}

async function kbusVersion(): Promise<string> {
  const manifest = JSON.parse(await readFile(new URL('../../../package.json', import.meta.url), 'utf8')) as {version: string}
  return manifest.version
}
