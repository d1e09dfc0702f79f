/** The broker state handlers read and change, kept apart from the request plumbing. */
import type {ServerConfig} from '../config/server-config.js'
import type {Logger} from '../daemon/logger.js'
import type {DynamicBrokerConfigs} from './dynamic-broker-configs.js'
import type {GroupConfigs} from './group-configs.js'
import type {GroupCoordinator} from './groups/coordinator.js'
import type {BrokerSettings} from './topic-configs.js'
import type {TransactionCoordinator} from './transactions/coordinator.js'
import type {TopicManager} from './topics.js'

export interface BrokerCore {
  readonly config: ServerConfig
  readonly nodeId: number
  readonly clusterId: string
  /** The address clients are told to connect to (the TCP listener). */
  readonly advertised: {host: string; port: number}
  readonly topics: TopicManager
  readonly groups: GroupCoordinator
  readonly transactions: TransactionCoordinator
  readonly autoCreateTopics: boolean
  readonly numPartitions: number
  readonly defaultReplicationFactor: number
  readonly brokerSetting: BrokerSettings
  readonly dynamicConfigs: DynamicBrokerConfigs
  readonly groupConfigs: GroupConfigs
  readonly logger: Logger
  /** A producer id no producer has had, in this run or before it. */
  nextProducerId(): Promise<number>
}
