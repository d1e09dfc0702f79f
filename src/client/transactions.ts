/**
 * The producer's side of Kafka transactions, as clients speak it to a broker without
 * `transaction.version` 2: the transactional id's coordinator is found with FindCoordinator (key
 * type 1), InitProducerId names the transactional id (fencing any older producer of it), each
 * partition joins the open transaction with AddPartitionsToTxn before its first batch goes out,
 * and EndTxn commits or aborts. Answers the coordinator asks to retry (a transaction still
 * finishing, a coordinator loading or moving) are retried until the deadline.
 */
import {ErrorCode, isRetriable, KafkaError} from '../protocol/errors.js'
import {InitProducerId} from '../protocol/messages/22-init-producer-id.js'
import {AddPartitionsToTxn} from '../protocol/messages/24-add-partitions-to-txn.js'
import {EndTxn} from '../protocol/messages/26-end-txn.js'
import type {Cluster} from './cluster.js'
import {ConnectionError} from './errors.js'
import {type Coordinator, findCoordinator, groupByTopic, isCoordinatorMoving} from './group-coordinator.js'
import type {ProducerIdentity} from './idempotence.js'

export interface TransactionSettings {
  transactionalId: string
  /** transaction.timeout.ms: the coordinator aborts a transaction left open longer. */
  timeoutMs: number
  /** How long one step may keep retrying (the producer's delivery.timeout.ms). */
  deadlineMs: number
  retryBackoffMs: number
  requestTimeoutMs: number
}

export interface TopicPartition {
  topic: string
  partition: number
}

export class TransactionCoordinatorClient {
  private coordinator: Coordinator | undefined

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: TransactionSettings,
  ) {}

  /** The producer id and epoch of the transactional id; an older producer of it is fenced. */
  async initProducerId(): Promise<ProducerIdentity> {
    const {transactionalId, timeoutMs} = this.settings
    return this.retrying(async (coordinator) => {
      const response = await coordinator.connection.request(
        InitProducerId,
        {transactionalId, transactionTimeoutMs: timeoutMs, producerId: -1, producerEpoch: -1},
        {timeoutMs: this.settings.requestTimeoutMs},
      )
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode)
      return {producerId: response.producerId, producerEpoch: response.producerEpoch}
    })
  }

  /** Adds partitions to the open transaction; their batches may go out once this resolves. */
  async addPartitions(identity: ProducerIdentity, partitions: readonly TopicPartition[]): Promise<void> {
    await this.retrying(async (coordinator) => {
      const response = await coordinator.connection.request(
        AddPartitionsToTxn,
        {
          v3AndBelowTransactionalId: this.settings.transactionalId,
          v3AndBelowProducerId: identity.producerId,
          v3AndBelowProducerEpoch: identity.producerEpoch,
          v3AndBelowTopics: groupByTopic(partitions).map(({topic, partitions: indexes}) => ({name: topic, partitions: indexes})),
        },
        {timeoutMs: this.settings.requestTimeoutMs},
      )
      // OPERATION_NOT_ATTEMPTED only says another partition of the request failed: report that one.
      const failures = response.resultsByTopicV3AndBelow.flatMap((topic) =>
        topic.resultsByPartition.filter((p) => p.partitionErrorCode !== ErrorCode.NONE).map((p) => ({topic: topic.name, ...p})),
      )
      const failure = failures.find((p) => p.partitionErrorCode !== ErrorCode.OPERATION_NOT_ATTEMPTED) ?? failures[0]
      if (failure)
        throw new KafkaError(failure.partitionErrorCode, `Adding ${failure.topic}-${failure.partitionIndex} to the transaction: ${new KafkaError(failure.partitionErrorCode).message}`)
    })
  }

  /** Commits or aborts the open transaction (EndTxn); resolves once the coordinator has finished it. */
  async endTransaction(identity: ProducerIdentity, commit: boolean): Promise<void> {
    await this.retrying(async (coordinator) => {
      const response = await coordinator.connection.request(
        EndTxn,
        {transactionalId: this.settings.transactionalId, producerId: identity.producerId, producerEpoch: identity.producerEpoch, committed: commit},
        {timeoutMs: this.settings.requestTimeoutMs},
      )
      if (response.errorCode !== ErrorCode.NONE) throw new KafkaError(response.errorCode)
    })
  }

  /** Runs `step` against the coordinator, again after retriable answers until the deadline. */
  private async retrying<T>(step: (coordinator: Coordinator) => Promise<T>): Promise<T> {
    const deadline = Date.now() + this.settings.deadlineMs
    for (;;) {
      try {
        this.coordinator ??= await findCoordinator(this.cluster, this.settings.transactionalId, 'transaction')
        return await step(this.coordinator)
      } catch (error) {
        const code = error instanceof KafkaError ? error.code : undefined
        if (code !== undefined && isCoordinatorMoving(code)) this.coordinator = undefined
        const retriable = error instanceof ConnectionError || (code !== undefined && isRetriable(code))
        if (!retriable || Date.now() + this.settings.retryBackoffMs >= deadline) throw error
        if (error instanceof ConnectionError) this.coordinator = undefined
        await new Promise((resolve) => setTimeout(resolve, this.settings.retryBackoffMs))
      }
    }
  }
}
