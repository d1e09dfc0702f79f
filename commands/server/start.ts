import {fileURLToPath} from 'node:url'
import {Args, Flags} from '@oclif/core'
import {KbusBaseCommand} from '../../src/cli/base-command.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {printWarning} from '../../src/cli/output.js'
import {kbusPaths} from '../../src/config/paths.js'
import {loadServerConfig} from '../../src/config/server-config.js'
import {childArgs} from '../../src/daemon/child-args.js'
import type {ServerRecord} from '../../src/daemon/state-file.js'

/** Flags `server start` and `server service` share: what configures the broker. */
export const brokerFlags = {
  port: Flags.integer({
    summary: 'TCP port for Kafka clients (0 picks a free port). Replaces the port in listeners.',
    min: 0,
    max: 65_535,
  }),
  'data-dir': Flags.string({summary: 'Where topic data lives (Kafka\'s log.dirs). Default: $KBUS_HOME/data.'}),
  config: Flags.string({summary: 'A Kafka server.properties file (also accepted as the first argument).'}),
  override: Flags.string({
    summary: 'Set a broker config, key=value; repeatable. Wins over the config file, as in kafka-server-start.',
    multiple: true,
    multipleNonGreedy: true,
  }),
}

export default class ServerStart extends KbusBaseCommand {
  static override summary = 'Start the kbus broker (kafka-server-start)'
  static override description =
    'Runs a single-node Kafka-compatible broker in the foreground (Ctrl-C stops it cleanly), or in the ' +
    'background with --daemon. It listens on TCP for any Kafka client and on $KBUS_HOME/kbus.sock for the kbus CLI.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --daemon',
    '<%= config.bin %> <%= command.id %> --daemon --port 0 --data-dir /tmp/kbus-data',
    '<%= config.bin %> <%= command.id %> config/server.properties --override num.partitions=3',
  ]

  static override enableJsonFlag = true

  static override flags = {
    ...brokerFlags,
    daemon: Flags.boolean({
      char: 'd',
      summary: 'Run in the background (output to $KBUS_HOME/server.log); return once the broker accepts connections.',
    }),
    'wait-timeout': Flags.integer({summary: 'With --daemon: seconds to wait for the broker to be ready.', default: 10, min: 1}),
  }

  static override args = {
    file: Args.string({description: 'server.properties file (Kafka\'s positional form)', ignoreStdin: true}),
  }

  async run(): Promise<ServerRecord | void> {
    // Kafka's scripts spell it `-daemon`; oclif would read that as a bundle of short flags.
    const argv = this.argv.map((arg) => (arg === '-daemon' ? '--daemon' : arg))
    const {flags, args} = await this.parse(ServerStart, argv)
    if (flags.config && args.file) throw new UsageError('Give the config file either as an argument or with --config, not both.')
    const configFile = flags.config ?? args.file
    const paths = kbusPaths()

    const input = {configFile, overrides: flags.override, port: flags.port, dataDir: flags['data-dir']}
    if (flags.daemon) {
      // A bad setting is reported here, at once, rather than through the child's log.
      await loadServerConfig(input, paths).catch(asCliError)
      const {startInBackground, BackgroundStartFailed} = await import('../../src/daemon/background.js')
      const {record, warnings} = await startInBackground({
        entry: fileURLToPath(new URL('../../../bin/daemon.js', import.meta.url)),
        args: childArgs(input),
        paths,
        timeoutMs: flags['wait-timeout'] * 1000,
      }).catch((error: unknown) => {
        if (!(error instanceof BackgroundStartFailed)) asCliError(error)
        const log = error.log.split('\n').filter((line) => !line.endsWith(error.message))
        throw new CliError(error.message, {hint: log.length > 0 ? `From ${paths.logFile}:\n${log.join('\n')}` : undefined})
      })
      for (const warning of warnings) printWarning(warning)
      this.log(`kbus broker started (pid ${record.pid})`)
      for (const listener of record.listeners) this.log(`  ${listener.name}://${listener.host}:${listener.port}`)
      this.log(`  unix:${record.socketPath}`)
      this.log(`  data: ${record.dataDir}`)
      this.log(`  log:  ${record.logFile}`)
      return record
    }

    const {catchStopSignals, startBroker} = await import('../../src/daemon/run.js')
    const {createLogger, parseLogLevel} = await import('../../src/daemon/logger.js')
    const logger = createLogger(process.stderr, {level: parseLogLevel(process.env.KBUS_LOG_LEVEL)})
    const signals = catchStopSignals(logger)
    const daemon = await startBroker({
      input,
      paths,
      logger,
      version: this.config.version,
    }).catch(asCliError)
    await signals.stopDaemon(daemon)
    // Whatever timers storage or clients left behind, a clean stop ends the process now.
    this.exit(0)
  }
}

/** A start that fails is a one-line report, whatever layer refused (config, lock, storage, bind). */
function asCliError(error: unknown): never {
  if (process.env.KBUS_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`)
  if (error instanceof CliError) throw error
  throw new CliError(error instanceof Error ? error.message : String(error))
}
