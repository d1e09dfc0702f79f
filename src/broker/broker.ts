/**
 * The broker: decodes each request frame, runs the API's handler, encodes the answer. It owns
 * all broker state (topics, logs) and knows nothing of sockets beyond the connection identity
 * the transport hands it.
 */
import {
  decodeRequestBody,
  decodeRequestHeader,
  encodeApiVersionsUnsupported,
  encodeResponseChunks,
} from '../protocol/headers.js'
import {apiByKey} from '../protocol/apis.js'
import {ApiVersions} from '../protocol/messages/18-api-versions.js'
import type {ServerConfig} from '../config/server-config.js'
import type {Logger} from '../daemon/logger.js'
import {LogManager} from '../storage/log-manager.js'
import {ReadBufferPool, fetchReadBuffers} from '../storage/read-buffers.js'
import {HANDLERS} from './api/index.js'
import type {BrokerCore} from './broker-core.js'
import type {ConnectionInfo} from './handler.js'
import {CloseConnection} from './errors.js'
import {GroupCoordinator} from './groups/coordinator.js'
import {OffsetLog} from './groups/offset-log.js'
import {MetaStore} from './meta-store.js'
import {ProducerIdAllocator} from './producer-ids.js'
import {DynamicBrokerConfigs} from './dynamic-broker-configs.js'
import {GroupConfigs} from './group-configs.js'
import {ConfigSource, type BrokerSettings} from './topic-configs.js'
import {TopicManager} from './topics.js'
import {TransactionCoordinator, transactionSettingsOf} from './transactions/coordinator.js'

/** Kafka's offsets.retention.check.interval.ms default. */
const OFFSETS_RETENTION_CHECK_INTERVAL_MS = 600_000

export class Broker implements BrokerCore {
  advertised: {host: string; port: number}
  private readonly offsetExpiry: NodeJS.Timeout
  private readonly producerExpiry: NodeJS.Timeout
  private readonly logMaintenance: NodeJS.Timeout
  private stopped = false
  private readonly connections = new Map<number, AbortController>()
  /**
   * Where the transport assembles frames that span socket reads: librdkafka's ~1 MB Produce
   * requests. A fresh megabyte each was memory outside V8's heap, which V8 answered with a full
   * mark-compact every few dozen requests.
   */
  readonly frameBuffers = new ReadBufferPool()

  private constructor(
    readonly config: ServerConfig,
    readonly logger: Logger,
    private readonly meta: MetaStore,
    private readonly logs: LogManager,
    readonly topics: TopicManager,
    readonly groups: GroupCoordinator,
    readonly dynamicConfigs: DynamicBrokerConfigs,
    readonly groupConfigs: GroupConfigs,
    private readonly producerIds: ProducerIdAllocator,
    readonly transactions: TransactionCoordinator,
  ) {
    const [listener] = config.advertisedListeners
    this.advertised = {host: listener.host, port: listener.port}
    this.offsetExpiry = setInterval(() => {
      groups.expireOffsets().catch((error: Error) => logger.warn(`Expiring committed offsets failed: ${error.message}`))
    }, OFFSETS_RETENTION_CHECK_INTERVAL_MS).unref()
    const producerIdExpirationMs = Number(config.resolved.get('producer.id.expiration.ms')?.value ?? 86_400_000)
    this.producerExpiry = setInterval(
      () => this.expireProducers(Date.now(), producerIdExpirationMs),
      Number(config.resolved.get('producer.id.expiration.check.interval.ms')?.value ?? 600_000),
    ).unref()
    // Retention and compaction share one round, so it runs as often as the more eager of Kafka's two settings asks.
    const cleanerBackoffMs = Number(config.resolved.get('log.cleaner.backoff.ms')?.value ?? 15_000)
    this.logMaintenance = setInterval(
      () => void this.maintainLogs(),
      Math.max(1, Math.min(config.retentionCheckIntervalMs, cleanerBackoffMs)),
    ).unref()
  }

  /** Retention and compaction, with each topic's current settings (log.retention.check.interval.ms). */
  async maintainLogs(): Promise<void> {
    try {
      await this.logs.runMaintenance({cleanupConfigOf: (name) => this.topics.get(name)?.settings})
    } catch (error) {
      this.logger.warn(`Log maintenance failed: ${(error as Error).message}`)
    }
  }

  /**
   * Forgets idempotent producers that have written nothing for `expirationMs`
   * (producer.id.expiration.ms), so the state kept per partition stays bounded. A partition whose
   * state was never loaded has nothing in memory to forget.
   */
  expireProducers(now: number, expirationMs: number): void {
    for (const log of this.logs.allLogs()) log.loadedProducerState?.removeExpired(now, expirationMs)
  }

  static async open(config: ServerConfig, opts: {logger: Logger}): Promise<Broker> {
    const meta = await MetaStore.open(config.dataDir, config.nodeId)
    const logs = await LogManager.open(config.dataDir, {logger: opts.logger})
    const dynamicConfigs = await DynamicBrokerConfigs.load(config.dataDir)
    const topics = await TopicManager.open(meta, logs, layeredSettings(config, dynamicConfigs))
    const groups = new GroupCoordinator(
      new OffsetLog(topics, config.offsetsTopicNumPartitions),
      {
        initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
        minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
        maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
        offsetsRetentionMs: config.offsetsRetentionMs,
      },
      (topic, partition) => topics.get(topic)?.partitions[partition] !== undefined,
      opts.logger,
    )
    await groups.load()
    const groupConfigs = await GroupConfigs.load(config.dataDir)
    const producerIds = await ProducerIdAllocator.open(config.dataDir, opts.logger)
    const transactions = await TransactionCoordinator.open(
      config.dataDir,
      {partition: (topic, index) => topics.get(topic)?.partitions[index], groups, nextProducerId: () => producerIds.next(), logger: opts.logger},
      transactionSettingsOf(config),
    )
    // Transactions a stop left committing or aborting are finished before any request is served.
    await transactions.start()
    return new Broker(config, opts.logger, meta, logs, topics, groups, dynamicConfigs, groupConfigs, producerIds, transactions)
  }

  get nodeId(): number {
    return this.config.nodeId
  }

  get clusterId(): string {
    return this.meta.clusterId
  }

  get autoCreateTopics(): boolean {
    return this.config.autoCreateTopics
  }

  get numPartitions(): number {
    return this.config.numPartitions
  }

  get defaultReplicationFactor(): number {
    return this.config.defaultReplicationFactor
  }

  get brokerSetting(): BrokerSettings {
    return layeredSettings(this.config, this.dynamicConfigs)
  }

  nextProducerId(): Promise<number> {
    return this.producerIds.next()
  }

  setAdvertisedListener(host: string, port: number): void {
    this.advertised = {host, port}
  }

  async handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | Buffer[] | null> {
    let header
    try {
      header = decodeRequestHeader(frame, apiByKey)
    } catch (error) {
      throw new CloseConnection(`unreadable request header: ${(error as Error).message}`)
    }
    const {apiKey, apiVersion, correlationId, clientId, bodyOffset} = header
    const handler = HANDLERS.get(apiKey)
    if (!handler) throw new CloseConnection(`unknown API key ${apiKey}`)
    const {api} = handler
    if (apiKey === ApiVersions.key && apiVersion > api.maxVersion)
      return encodeApiVersionsUnsupported(correlationId, api.maxVersion)
    if (apiVersion < (handler.minServedVersion ?? api.minVersion) || apiVersion > api.maxVersion)
      throw new CloseConnection(`unsupported ${api.name} version ${apiVersion}`)

    let request
    try {
      request = decodeRequestBody(api, apiVersion, frame, bodyOffset)
    } catch (error) {
      throw new CloseConnection(`malformed ${api.name} v${apiVersion} request: ${(error as Error).message}`)
    }
    const signal = this.connectionSignal(conn)
    const response = await handler.handle(request, {version: apiVersion, clientId, conn, broker: this, signal})
    // Only on success: a handler that threw may have left writes in flight that still read the frame.
    if (handler.releasesRequestBytes) this.frameBuffers.giveBack(frame)
    return response === null ? null : encodeResponseChunks(api, apiVersion, correlationId, response)
  }

  /** A Fetch response's records were read into pooled buffers: the socket is done with them. */
  responseSent(response: Buffer[]): void {
    for (const chunk of response) fetchReadBuffers.giveBack(chunk)
  }

  connectionClosed(conn: ConnectionInfo): void {
    this.connections.get(conn.id)?.abort()
    this.connections.delete(conn.id)
  }

  stats(): {topics: number; partitions: number; bytesOnDisk: number} {
    const topics = this.topics.all()
    return {
      topics: topics.length,
      partitions: topics.reduce((sum, topic) => sum + topic.partitions.length, 0),
      bytesOnDisk: this.logs.totalBytes(),
    }
  }

  /** Ends waiting fetches, then flushes every log and marks the shutdown clean. */
  async close(): Promise<void> {
    this.stopped = true
    for (const controller of this.connections.values()) controller.abort()
    clearInterval(this.offsetExpiry)
    clearInterval(this.producerExpiry)
    clearInterval(this.logMaintenance)
    await this.transactions.close()
    await this.groups.close()
    await this.logs.close()
  }

  /**
   * Aborted when the connection closes or the broker stops. One per connection, not
   * AbortSignal.any per request: each of those left a WeakRef on the long-lived signals, which
   * grew the old generation by the request and kept V8 in full collections.
   */
  private connectionSignal(conn: ConnectionInfo): AbortSignal {
    let controller = this.connections.get(conn.id)
    if (!controller) {
      controller = new AbortController()
      if (this.stopped) controller.abort()
      this.connections.set(conn.id, controller)
    }
    return controller.signal
  }
}


/** Dynamic values (kafka-configs) over the static ones (server.properties, --override). */
function layeredSettings(config: ServerConfig, dynamic: DynamicBrokerConfigs): BrokerSettings {
  return (name) => {
    const changed = dynamic.get(name)
    if (changed) return changed
    const value = config.properties.get(name)
    return value === undefined ? undefined : {value, source: ConfigSource.StaticBroker}
  }
}
