/**
 * What every kbus command shares: Kafka's connection flags, one place where errors become a
 * one-line message and an exit code (0 ok, 1 failure, 2 usage), and quiet exits on a closed pipe.
 */
import {Command, Errors, Flags} from '@oclif/core'
import {kbusPaths} from '../config/paths.js'
import {readPropertiesFile} from '../config/properties.js'
import {describeError} from './errors.js'
import {exitQuietlyOnBrokenPipe, prepareColour, printError, printJson, printWarning} from './output.js'

/** Where a command should connect: a TCP bootstrap list, or the local broker's Unix socket. */
export interface BrokerTarget {
  /** `host:port` entries from --bootstrap-server; empty means the local socket. */
  bootstrapServers: string[]
  socketPath: string
  /** Client properties from --command-config (Kafka's client config names). */
  clientProperties: Map<string, string>
}

/**
 * Error handling and output hygiene every kbus command needs; commands that reach a broker
 * extend KbusCommand instead, which adds the connection flags.
 */
export abstract class KbusBaseCommand extends Command {
  protected override async init(): Promise<void> {
    await super.init()
    exitQuietlyOnBrokenPipe()
    await prepareColour()
  }

  /**
   * One line on stderr (plus a hint), the right exit code even under --json (oclif alone would
   * exit 1 and put the error on stdout), and a stack trace only under KBUS_DEBUG.
   */
  protected override async catch(error: Error & {exitCode?: number}): Promise<never> {
    if (error instanceof Errors.ExitError) throw error
    await prepareColour()
    const report = describeError(error)
    if (this.jsonEnabled())
      printJson({error: {message: report.message, code: report.code ?? null, exitCode: report.exitCode}})
    printError(report.message, report.hint)
    if (process.env.KBUS_DEBUG) process.stderr.write(`${error.stack ?? String(error)}\n`)
    throw new Errors.ExitError(report.exitCode)
  }
}

export abstract class KbusCommand extends KbusBaseCommand {
  static override baseFlags = {
    'bootstrap-server': Flags.string({
      summary: 'Kafka broker(s) to connect to, host:port[,host:port]. Default: the local kbus broker.',
      env: 'KBUS_BOOTSTRAP_SERVER',
      aliases: ['broker-list'],
      helpGroup: 'CONNECTION',
    }),
    'command-config': Flags.string({
      summary: 'Client properties file (Kafka client config names), as Kafka\'s --command-config.',
      helpGroup: 'CONNECTION',
    }),
    zookeeper: Flags.string({
      summary: 'Accepted for old tutorials and ignored: kbus needs no ZooKeeper.',
      helpGroup: 'CONNECTION',
    }),
  }

  protected override async init(): Promise<void> {
    await super.init()
    if (this.argv.some((arg) => arg === '--zookeeper' || arg.startsWith('--zookeeper=')))
      printWarning('kbus needs no ZooKeeper: --zookeeper is ignored (use --bootstrap-server to reach a broker)')
  }

  /** Resolves the connection flags; commands hand the result to src/client. */
  protected async brokerTarget(flags: {'bootstrap-server'?: string; 'command-config'?: string}): Promise<BrokerTarget> {
    const bootstrapServers = (flags['bootstrap-server'] ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
    const clientProperties = flags['command-config']
      ? await readPropertiesFile(flags['command-config'], 'command config')
      : new Map<string, string>()
    return {bootstrapServers, socketPath: kbusPaths().socketPath, clientProperties}
  }
}
