/**
 * The listeners: TCP for any Kafka client and a Unix socket (mode 0600) for the local CLI. Both
 * feed the same RequestHandler through per-connection framing; no broker state lives here.
 */
import {chmod} from 'node:fs/promises'
import {createServer, type Server, type Socket} from 'node:net'
import type {Logger} from '../daemon/logger.js'
import {Connection, type ConnectionInfo, type RequestHandler} from './connection.js'

export interface ServerOptions {
  tcp: {host: string; port: number}[]
  /** Omit for TCP only. The caller has already removed any stale file at this path. */
  socketPath?: string
  maxFrameBytes: number
  /** Requests a connection may have unanswered before it stops reading (clients pipeline up to 5). */
  maxInFlight?: number
  logger: Logger
}

export interface BoundAddress {
  host: string
  port: number
}

export class KafkaServer {
  private readonly connections = new Set<Connection>()
  private nextConnectionId = 1

  private constructor(
    private readonly handler: RequestHandler,
    private readonly options: ServerOptions,
    private readonly tcpServers: Server[] = [],
    private unixServer: Server | undefined = undefined,
  ) {}

  /** Binds every listener or none: a failure closes what was already bound. */
  static async listen(handler: RequestHandler, options: ServerOptions): Promise<KafkaServer> {
    const server = new KafkaServer(handler, options)
    try {
      for (const {host, port} of options.tcp) {
        const tcp = server.createListener('tcp')
        await listenOn(tcp, {host: host === '' ? undefined : host, port}, `TCP ${host || '0.0.0.0'}:${port}`, options.logger)
        server.tcpServers.push(tcp)
      }
      if (options.socketPath) {
        const unix = server.createListener('unix')
        await listenOnPrivateSocket(unix, options.socketPath, options.logger)
        server.unixServer = unix
      }
    } catch (error) {
      await server.close({graceMs: 0})
      throw error
    }
    return server
  }

  /** The TCP addresses actually bound (a requested port 0 shows the port the OS chose). */
  get tcpAddresses(): BoundAddress[] {
    return this.tcpServers.map((tcp) => {
      const address = tcp.address()
      if (address === null || typeof address === 'string') throw new Error('TCP listener is not bound')
      return {host: address.address, port: address.port}
    })
  }

  get connectionCount(): number {
    return this.connections.size
  }

  /**
   * Stops accepting, lets every connection finish the requests it has already sent (up to
   * `graceMs`), then closes them all. Node removes the Unix socket file when its server closes.
   */
  async close({graceMs}: {graceMs: number}): Promise<void> {
    const listeners = [...this.tcpServers, ...(this.unixServer ? [this.unixServer] : [])]
    const stopped = Promise.all(listeners.map((listener) => new Promise<void>((resolve) => listener.close(() => resolve()))))
    const drained = Promise.all([...this.connections].map((connection) => connection.drain()))
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)))
    const outcome = await Promise.race([drained.then(() => 'drained' as const), deadline])
    clearTimeout(timer)
    if (outcome === 'timeout')
      this.options.logger.warn(`Closing ${this.connections.size} connection(s) with requests still unanswered after ${graceMs} ms`)
    for (const connection of this.connections) connection.close(outcome === 'timeout')
    await stopped
  }

  private createListener(kind: ConnectionInfo['listener']): Server {
    return createServer({noDelay: true}, (socket) => this.accept(socket, kind))
  }

  private accept(socket: Socket, kind: ConnectionInfo['listener']): void {
    const info: ConnectionInfo = {
      id: this.nextConnectionId++,
      listener: kind,
      remoteAddress: kind === 'tcp' ? `${socket.remoteAddress}:${socket.remotePort}` : 'local',
    }
    const limits = {maxFrameBytes: this.options.maxFrameBytes, maxInFlight: this.options.maxInFlight ?? 5}
    const connection = new Connection(socket, info, this.handler, limits, this.options.logger)
    this.connections.add(connection)
    socket.once('close', () => this.connections.delete(connection))
  }
}

function listenOn(
  server: Server,
  options: {host?: string; port?: number; path?: string},
  what: string,
  logger: Logger,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(new ListenError(what, error))
    }
    const onListening = () => {
      server.off('error', onError)
      // Bind errors are the caller's; anything later (e.g. EMFILE on accept) is only worth a log line.
      server.on('error', (error) => logger.error(`${what}: ${error.message}`))
      resolve()
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(options)
  })
}

/** Creates the socket owner-only from the first instant (umask), then pins the mode (chmod). */
async function listenOnPrivateSocket(server: Server, path: string, logger: Logger): Promise<void> {
  let previous: number | undefined
  try {
    previous = process.umask(0o177)
  } catch {
    // Worker threads cannot change the umask; the chmod below still applies.
  }
  try {
    await listenOn(server, {path}, `Unix socket ${path}`, logger)
  } finally {
    if (previous !== undefined) process.umask(previous)
  }
  await chmod(path, 0o600)
}

/** A listener could not bind; the message says which one and why, in words a user can act on. */
export class ListenError extends Error {
  override readonly name = 'ListenError'
  readonly code: string | undefined

  constructor(what: string, cause: NodeJS.ErrnoException) {
    const reason =
      cause.code === 'EADDRINUSE'
        ? 'the address is already in use (is another broker running? pick another with --port)'
        : cause.code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges)'
          : cause.code === 'EADDRNOTAVAIL'
            ? 'no local interface has that address'
            : cause.message
    super(`Cannot listen on ${what}: ${reason}`, {cause})
    this.code = cause.code
  }
}
