/**
 * The client's view of the cluster: where to bootstrap, which brokers exist, who leads each
 * partition, and one pooled connection per broker (and purpose). With no bootstrap servers the
 * local kbus broker's Unix socket is the whole cluster: every node id maps to that socket.
 * Against Apache Kafka (`--bootstrap-server`) requests go to the node Metadata names.
 */
import {ErrorCode, isRetriable, KafkaError} from '../protocol/errors.js'
import {Metadata} from '../protocol/messages/03-metadata.js'
import {type BrokerAddress, BrokerConnection, type ConnectionOptions, describeAddress} from './connection.js'
import {UnknownTopicError} from './errors.js'

export interface ClusterOptions extends ConnectionOptions {
  /** `host:port` entries; empty means the local broker at `socketPath`. */
  bootstrapServers: string[]
  socketPath: string
  /** How long to keep asking for a topic that a remote broker is still creating. */
  topicCreationWaitMs?: number
}

export interface PartitionMetadata {
  partition: number
  errorCode: number
  leader: number
  leaderEpoch: number
  replicas: number[]
  isr: number[]
  offline: number[]
}

export interface TopicMetadata {
  name: string
  errorCode: number
  /** Kafka's text form of the topic id (22-character base64url); all zeros when unknown. */
  topicId: string
  isInternal: boolean
  partitions: PartitionMetadata[]
}

export interface BrokerNode {
  nodeId: number
  host: string
  port: number
  rack: string | null
}

/**
 * Separate connections keep a long-polling Fetch, or a JoinGroup the coordinator parks until the
 * group has rejoined, from holding up other requests to the same broker.
 */
export type ConnectionPurpose = 'default' | 'fetch' | 'coordinator'

const RETRY_BACKOFF_MS = 100

/** Parses `host:port` or `[ipv6]:port`; throws a RangeError that names the bad entry. */
export function parseHostPort(entry: string): {host: string; port: number} {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(entry.trim())
  const port = match ? Number(match[3]) : Number.NaN
  if (!match || port < 1 || port > 65535)
    throw new RangeError(`Invalid bootstrap server '${entry}': expected host:port, e.g. localhost:9092.`)
  return {host: match[1] ?? match[2], port}
}

export class Cluster {
  private readonly bootstrapAddresses: BrokerAddress[]
  private readonly brokers = new Map<number, BrokerNode>()
  private readonly topics = new Map<string, TopicMetadata>()
  private readonly pool = new Map<string, Promise<BrokerConnection>>()
  private bootstrapConnection: Promise<BrokerConnection> | undefined
  private controllerId = -1
  private closed = false

  constructor(private readonly options: ClusterOptions) {
    this.bootstrapAddresses = options.bootstrapServers.length
      ? options.bootstrapServers.map(parseHostPort)
      : [{path: options.socketPath}]
  }

  get isLocal(): boolean {
    return this.options.bootstrapServers.length === 0
  }

  /** A connection to some broker: the first bootstrap address that answers. */
  anyBroker(): Promise<BrokerConnection> {
    const current = this.bootstrapConnection
    if (current) return current.then((connection) => (connection.isOpen ? connection : this.reconnectBootstrap()))
    return this.reconnectBootstrap()
  }

  /** A pooled connection to `nodeId`, reopened if it has dropped. */
  async connectionTo(nodeId: number, purpose: ConnectionPurpose = 'default'): Promise<BrokerConnection> {
    if (this.closed) throw new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'The client is closed.')
    const key = `${nodeId}/${purpose}`
    const pooled = this.pool.get(key)
    if (pooled) {
      const connection = await pooled.catch(() => undefined)
      if (connection?.isOpen) return connection
    }
    const opening = BrokerConnection.open(this.addressOf(nodeId), this.options)
    this.pool.set(key, opening)
    opening.catch(() => this.pool.delete(key))
    return opening
  }

  /** Where admin requests go: the controller Metadata names (any broker forwards them in KRaft). */
  async controller(): Promise<BrokerConnection> {
    if (this.controllerId < 0) await this.refresh([])
    return this.controllerId >= 0 ? this.connectionTo(this.controllerId) : this.anyBroker()
  }

  /**
   * Fresh metadata for `topics` (null = every topic). With `autoCreate` a missing topic may be
   * created by the broker (Kafka's auto.create.topics.enable); a remote Kafka creates it in the
   * background, so UNKNOWN_TOPIC_OR_PARTITION and LEADER_NOT_AVAILABLE are asked again a few times.
   */
  async refresh(topics: string[] | null, opts: {autoCreate?: boolean} = {}): Promise<TopicMetadata[]> {
    const connection = await this.anyBroker()
    const body = await connection.request(Metadata, {
      topics: topics === null ? null : topics.map((name) => ({name})),
      allowAutoTopicCreation: opts.autoCreate ?? false,
      includeTopicAuthorizedOperations: false,
    })
    this.brokers.clear()
    for (const broker of body.brokers)
      this.brokers.set(broker.nodeId, {nodeId: broker.nodeId, host: broker.host, port: broker.port, rack: broker.rack ?? null})
    this.controllerId = body.controllerId
    const result: TopicMetadata[] = []
    for (const topic of body.topics) {
      const described: TopicMetadata = {
        name: topic.name ?? '',
        errorCode: topic.errorCode,
        topicId: topic.topicId ? topic.topicId.toString('base64url') : ZERO_TOPIC_ID,
        isInternal: topic.isInternal,
        partitions: topic.partitions
          .map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            leader: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            replicas: p.replicaNodes,
            isr: p.isrNodes,
            offline: p.offlineReplicas,
          }))
          .sort((a, b) => a.partition - b.partition),
      }
      if (described.errorCode === ErrorCode.NONE) this.topics.set(described.name, described)
      else this.topics.delete(described.name)
      result.push(described)
    }
    return result
  }

  /**
   * Metadata for one topic that must exist (created on the way when `autoCreate` and the broker
   * allow it). A topic still missing after that is an UnknownTopicError; any other topic-level
   * error is a KafkaError.
   */
  async topic(name: string, opts: {autoCreate?: boolean} = {}): Promise<TopicMetadata> {
    const deadline = Date.now() + (this.isLocal ? 0 : (this.options.topicCreationWaitMs ?? 1500))
    for (;;) {
      const [found] = await this.refresh([name], opts)
      const code = found?.errorCode ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
      const stillCreating = code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION || code === ErrorCode.LEADER_NOT_AVAILABLE
      const leaderless = code === ErrorCode.NONE && found.partitions.some((p) => p.leader < 0)
      if (code === ErrorCode.NONE && !leaderless) return found
      if (Date.now() >= deadline || !(stillCreating || leaderless || isRetriable(code))) {
        if (code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw new UnknownTopicError(name)
        if (leaderless) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `Topic '${name}' has partitions without a leader.`)
        throw new KafkaError(code, topicErrorMessage(code, name))
      }
      await sleep(RETRY_BACKOFF_MS)
    }
  }

  /** The last metadata seen for a topic, if any. */
  cachedTopic(name: string): TopicMetadata | undefined {
    return this.topics.get(name)
  }

  /** The leader of a partition per the last metadata, or -1 when unknown. */
  leaderOf(topic: string, partition: number): number {
    return this.topics.get(topic)?.partitions[partition]?.leader ?? -1
  }

  knownBrokers(): BrokerNode[] {
    return [...this.brokers.values()]
  }

  async close(): Promise<void> {
    this.closed = true
    const all = [...this.pool.values()]
    if (this.bootstrapConnection) all.push(this.bootstrapConnection)
    this.pool.clear()
    this.bootstrapConnection = undefined
    await Promise.all(all.map((opening) => opening.then((connection) => connection.close(), () => undefined)))
  }

  private addressOf(nodeId: number): BrokerAddress {
    if (this.isLocal) return this.bootstrapAddresses[0]
    const broker = this.brokers.get(nodeId)
    if (!broker)
      throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `Broker ${nodeId} is not in the cluster metadata.`)
    return {host: broker.host, port: broker.port}
  }

  private reconnectBootstrap(): Promise<BrokerConnection> {
    if (this.closed) return Promise.reject(new KafkaError(ErrorCode.NETWORK_EXCEPTION, 'The client is closed.'))
    const opening = this.firstReachable()
    this.bootstrapConnection = opening
    opening.catch(() => {
      if (this.bootstrapConnection === opening) this.bootstrapConnection = undefined
    })
    return opening
  }

  /** Tries each bootstrap address in turn; the error of the last one is the one reported. */
  private async firstReachable(): Promise<BrokerConnection> {
    let lastError: unknown
    for (const address of this.bootstrapAddresses) {
      try {
        return await BrokerConnection.open(address, this.options)
      } catch (error) {
        lastError = error
      }
    }
    throw lastError ?? new Error(`No bootstrap server to connect to (${this.bootstrapAddresses.map(describeAddress).join(', ')}).`)
  }
}

export const ZERO_TOPIC_ID = 'AAAAAAAAAAAAAAAAAAAAAA'

function topicErrorMessage(code: number, topic: string): string {
  const reason = new KafkaError(code).message
  return `Topic '${topic}': ${reason}`
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
