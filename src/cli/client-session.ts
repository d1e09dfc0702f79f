/**
 * Turns a command's connection flags into a connected client: the bootstrap list (or the local
 * socket), the client id Kafka's tool would use, and the client properties kbus honours from
 * --command-config. The caller closes the cluster when done.
 */
import {Cluster} from '../client/cluster.js'
import type {BrokerTarget} from './base-command.js'
import {UsageError} from './errors.js'
import {positiveInteger} from './numeric-property.js'

export interface SessionOptions {
  /** Kafka's default client.id for the tool (console-producer, console-consumer, …). */
  clientId: string
  /** kbus's version, sent in ApiVersions. */
  version: string
  /** Extra client properties (e.g. --producer-property) on top of --command-config. */
  properties?: ReadonlyMap<string, string>
}

export function openCluster(target: BrokerTarget, opts: SessionOptions): Cluster {
  const properties = new Map([...target.clientProperties, ...(opts.properties ?? [])])
  const protocol = properties.get('security.protocol')
  if (protocol !== undefined && protocol.toUpperCase() !== 'PLAINTEXT')
    throw new UsageError(`security.protocol=${protocol} is not supported: kbus connects with PLAINTEXT only.`)
  const bootstrap = properties.get('bootstrap.servers')
  const bootstrapServers = target.bootstrapServers.length > 0 || !bootstrap ? target.bootstrapServers : splitList(bootstrap)
  try {
    return new Cluster({
      bootstrapServers,
      socketPath: target.socketPath,
      clientId: properties.get('client.id') ?? opts.clientId,
      softwareName: 'kbus',
      softwareVersion: opts.version.replace(/[^a-zA-Z0-9.-]/g, '-'),
      requestTimeoutMs: positiveInteger(properties, 'request.timeout.ms') ?? 30_000,
      connectTimeoutMs: positiveInteger(properties, 'socket.connection.setup.timeout.ms') ?? 10_000,
    })
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError(error.message, 'Pass --bootstrap-server host:port[,host:port].')
    throw error
  }
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}
