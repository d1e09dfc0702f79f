/**
 * The composition root: config → broker (which opens storage) → listeners → pid file. Also the
 * clean stop: stop accepting, finish what is in flight, flush and mark the shutdown clean,
 * remove the socket and pid file.
 */
import {constants} from 'node:fs'
import {access, mkdir, rm} from 'node:fs/promises'
import {Broker} from '../broker/broker.js'
import {ConfigError} from '../config/config-error.js'
import type {KbusPaths} from '../config/paths.js'
import {formatListeners, loadServerConfig, type ServerConfig, type ServerConfigInput} from '../config/server-config.js'
import {KafkaServer} from '../server/server.js'
import {acquireInstanceLock, releaseInstanceLock} from './instance-lock.js'
import type {Logger} from './logger.js'
import {replaceFile, statsFileOf, type ServerRecord, type ServerStats} from './state-file.js'

export interface DaemonOptions {
  input: ServerConfigInput
  paths: KbusPaths
  logger: Logger
  version: string
}

/** How long a clean stop waits for in-flight requests (a parked Fetch ends within its max wait). */
const SHUTDOWN_GRACE_MS = 5_000
/** Stats for `server status` are refreshed this often, and at once on SIGUSR2. */
const STATS_INTERVAL_MS = 2_000
export const STATS_REFRESH_SIGNAL = 'SIGUSR2'

export class RunningDaemon {
  private stopping: Promise<void> | undefined
  private readonly statsTimer: NodeJS.Timeout
  private readonly refreshStats = () => {
    if (!this.stopping) void this.writeStats()
  }

  constructor(
    readonly record: ServerRecord,
    readonly config: ServerConfig,
    private readonly paths: KbusPaths,
    private readonly broker: Broker,
    private readonly server: KafkaServer,
    private readonly logger: Logger,
  ) {
    this.statsTimer = setInterval(this.refreshStats, STATS_INTERVAL_MS).unref()
    // Installed before the record says "ready" and never removed: SIGUSR2's default action
    // would kill the broker if `server status` asked while it is shutting down.
    process.on(STATS_REFRESH_SIGNAL, this.refreshStats)
  }

  /** Idempotent: a second signal during shutdown waits for the first stop. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown()
    return this.stopping
  }

  async writeStats(): Promise<void> {
    const stats: ServerStats = {
      writtenAt: new Date().toISOString(),
      ...this.broker.stats(),
      connections: this.server.connectionCount,
    }
    try {
      await replaceFile(statsFileOf(this.paths.home), stats)
    } catch (error) {
      this.logger.warn(`Cannot write ${statsFileOf(this.paths.home)}: ${(error as Error).message}`)
    }
  }

  private async shutdown(): Promise<void> {
    clearInterval(this.statsTimer)
    this.logger.info('Shutting down: no new connections, finishing requests in flight')
    try {
      await this.server.close({graceMs: SHUTDOWN_GRACE_MS})
      await this.broker.close()
    } finally {
      await rm(this.paths.socketPath, {force: true})
      await rm(statsFileOf(this.paths.home), {force: true})
      await releaseInstanceLock(this.paths)
    }
    this.logger.info(`kbus broker stopped (pid ${process.pid})`)
  }
}

/** Starts the broker and returns once every listener accepts; a failure undoes what was done. */
export async function startBroker(options: DaemonOptions): Promise<RunningDaemon> {
  const {paths, logger} = options
  const {config, warnings} = await loadServerConfig(options.input, paths)
  for (const warning of warnings) logger.warn(warning)

  await mkdir(paths.home, {recursive: true, mode: 0o700})
  const record: ServerRecord = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    version: options.version,
    home: paths.home,
    socketPath: paths.socketPath,
    dataDir: config.dataDir,
    logFile: paths.logFile,
    listeners: [],
    ready: false,
  }
  await acquireInstanceLock(paths, record, logger)

  let broker: Broker | undefined
  let server: KafkaServer | undefined
  try {
    await ensureWritableDir(config.dataDir)
    broker = await Broker.open(config, {logger})
    server = await KafkaServer.listen(broker, {
      tcp: config.listeners,
      socketPath: paths.socketPath,
      maxFrameBytes: config.socketRequestMaxBytes,
      logger,
    })
    const bound = server.tcpAddresses
    const listeners = config.listeners.map((listener, index) => ({...listener, port: bound[index].port}))
    const [advertised] = config.advertisedListeners
    broker.setAdvertisedListener(advertised.host, advertised.port === 0 ? listeners[0].port : advertised.port)

    const ready: ServerRecord = {...record, listeners, ready: true}
    const daemon = new RunningDaemon(ready, config, paths, broker, server, logger)
    await daemon.writeStats()
    await replaceFile(paths.pidFile, ready)
    logger.info(
      `kbus broker started (pid ${process.pid}, node ${config.nodeId}): ${formatListeners(listeners)}, ` +
        `unix:${paths.socketPath}, data in ${config.dataDir}; ready ${Math.round(performance.now())} ms after the process started`,
    )
    return daemon
  } catch (error) {
    await server?.close({graceMs: 0}).catch(() => {})
    await broker?.close().catch(() => {})
    // Only a socket we bound is ours to remove; the lock check already cleared stale ones.
    if (server) await rm(paths.socketPath, {force: true})
    await releaseInstanceLock(paths)
    throw error
  }
}

/**
 * Catches SIGTERM and SIGINT from the moment it is called, before the broker starts: the pid file
 * and the ready line are out before the start returns, and a `server stop` or Ctrl-C arriving in
 * between must stop the broker cleanly, not kill it with Node's default action. `stopDaemon`
 * then runs until a signal (or acts on one that came during the start) and stops cleanly. A
 * second signal skips the wait.
 */
export function catchStopSignals(logger: Logger): {stopDaemon(daemon: RunningDaemon): Promise<void>} {
  let received = false
  let stop: (() => void) | null = null
  const onSignal = (signal: NodeJS.Signals) => {
    if (received) {
      logger.warn(`${signal} again: exiting without a clean shutdown`)
      process.exit(130)
    }
    received = true
    logger.info(`Received ${signal}`)
    stop?.()
  }
  process.on('SIGTERM', onSignal)
  process.on('SIGINT', onSignal)
  return {
    stopDaemon: (daemon) =>
      new Promise((resolve, reject) => {
        stop = () => daemon.stop().then(resolve, reject)
        if (received) stop()
      }),
  }
}

async function ensureWritableDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, {recursive: true, mode: 0o700})
    await access(dir, constants.W_OK | constants.X_OK)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'ENOTDIR' ? 'a file is in the way' : (error as Error).message
    throw new ConfigError(`Cannot use data directory ${dir}: ${reason}. Choose another with --data-dir or fix its permissions.`)
  }
}
