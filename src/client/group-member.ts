/**
 * One member of a consumer group on Kafka's classic protocol, as Java's ConsumerCoordinator
 * runs it: FindCoordinator → JoinGroup (coming back with the id MEMBER_ID_REQUIRED hands out)
 * → the leader runs the assignor over everyone's ConsumerProtocol subscription → SyncGroup →
 * heartbeats in the background until the coordinator asks for a rejoin.
 *
 * Rebalance protocols: eager (range, roundrobin, or a list mixing them with cooperative-sticky)
 * gives every partition up before rejoining; cooperative (cooperative-sticky alone) keeps its
 * partitions through the rebalance, gives up only those the new assignment moves away, and
 * rejoins once more so the leader can hand them to their new owners.
 *
 * The heartbeat timer never touches partitions: it only notes that a rejoin is due, and the
 * owner's next `ensureActive()` does the work, so revoking, committing and fetching never race.
 */
import {ErrorCode, isRetriable, KafkaError} from '../protocol/errors.js'
import {Heartbeat} from '../protocol/messages/12-heartbeat.js'
import {JoinGroup} from '../protocol/messages/11-join-group.js'
import {LeaveGroup} from '../protocol/messages/13-leave-group.js'
import {SyncGroup} from '../protocol/messages/14-sync-group.js'
import {CONSUMER_PROTOCOL_TYPE, decodeAssignment, decodeSubscription, encodeAssignment, encodeSubscription} from '../protocol/consumer-protocol.js'
import {
  type Assignor,
  assignorByName,
  DEFAULT_ASSIGNORS,
  type MemberSubscription,
  type RebalanceProtocol,
  rebalanceProtocolOf,
  withholdTransfers,
} from './assignors.js'
import type {Cluster} from './cluster.js'
import {ConnectionError} from './errors.js'
import {
  type CommittedOffset,
  commitOffsets,
  type Coordinator,
  fetchCommitted,
  findCoordinator,
  groupByTopic,
  isCoordinatorMoving,
  type PartitionOffset,
} from './group-coordinator.js'

export interface TopicPartition {
  topic: string
  partition: number
}

export interface GroupMemberOptions {
  groupId: string
  topics: string[]
  /** group.instance.id: a static member keeps its identity across restarts. */
  groupInstanceId?: string | null
  /** session.timeout.ms (Kafka 4: 45000). */
  sessionTimeoutMs?: number
  /** max.poll.interval.ms, sent as the rebalance timeout (300000). */
  rebalanceTimeoutMs?: number
  /** heartbeat.interval.ms (3000). */
  heartbeatIntervalMs?: number
  /** partition.assignment.strategy, most preferred first. */
  assignors?: readonly Assignor[]
  /** client.rack, sent in the subscription. */
  rackId?: string | null
  /** retry.backoff.ms between attempts after a coordinator or network error (100). */
  retryBackoffMs?: number
}

/** What the member tells its owner when partitions come and go. */
export interface RebalanceListener {
  /** Before giving partitions up, while their offsets can still be committed. */
  revoked(partitions: TopicPartition[]): Promise<void>
  /** The coordinator dropped the member: the partitions are gone and committing them would fail. */
  lost(partitions: TopicPartition[]): void
  assigned(partitions: TopicPartition[]): Promise<void>
}

/** The member was woken up (it is closing) while it waited on the coordinator. */
export class WakeupError extends Error {
  override name = 'WakeupError'
}

interface JoinedGeneration {
  generationId: number
  protocolName: string
  leader: string
  members: Array<{memberId: string; groupInstanceId: string | null; metadata: Buffer}>
}

const JOIN_TIMEOUT_MARGIN_MS = 5_000

export class GroupMember {
  readonly groupId: string
  readonly rebalanceProtocol: RebalanceProtocol
  private readonly assignors: readonly Assignor[]
  private topics: string[]
  private readonly groupInstanceId: string | null
  private readonly sessionTimeoutMs: number
  private readonly rebalanceTimeoutMs: number
  private readonly heartbeatIntervalMs: number
  private readonly rackId: string | null
  private readonly retryBackoffMs: number

  private memberId = ''
  private generationId = -1
  private protocolName: string | null = null
  private owned: TopicPartition[] = []
  private rejoinNeeded = true
  private ownedLost = false
  private coordinator: Coordinator | undefined
  private heartbeatTimer: NodeJS.Timeout | undefined
  /** Bumped whenever heartbeats stop, so an answer to an older heartbeat is ignored. */
  private heartbeatEpoch = 0
  /** Pauses that end early when a rejoin becomes due or the member is woken up. */
  private readonly waiters = new Set<() => void>()
  private woken = false
  private fatal: Error | undefined

  constructor(
    private readonly cluster: Cluster,
    options: GroupMemberOptions,
    private readonly listener: RebalanceListener,
  ) {
    this.groupId = options.groupId
    this.topics = [...new Set(options.topics)]
    this.assignors = options.assignors ?? DEFAULT_ASSIGNORS.map((name) => assignorByName(name)!)
    if (this.assignors.length === 0) throw new RangeError('A group member needs at least one assignor.')
    this.rebalanceProtocol = rebalanceProtocolOf(this.assignors)
    this.groupInstanceId = options.groupInstanceId ?? null
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 45_000
    this.rebalanceTimeoutMs = options.rebalanceTimeoutMs ?? 300_000
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 3_000
    this.rackId = options.rackId ?? null
    this.retryBackoffMs = options.retryBackoffMs ?? 100
  }

  /**
   * Changes the topics this member reads (a pattern subscription found new ones): the group
   * rebalances at the next poll so the leader can assign them. The same topics change nothing.
   */
  subscribe(topics: readonly string[]): void {
    const wanted = [...new Set(topics)]
    if (wanted.length === this.topics.length && wanted.every((topic) => this.topics.includes(topic))) return
    this.topics = wanted
    this.requestRejoin()
  }

  /** The partitions this member holds in the current generation. */
  get assignment(): readonly TopicPartition[] {
    return this.owned
  }

  get identity(): {memberId: string; generationId: number; protocolName: string | null} {
    return {memberId: this.memberId, generationId: this.generationId, protocolName: this.protocolName}
  }

  /**
   * Joins, or rejoins when the coordinator asked for it, and returns once the member has a
   * generation and an assignment (possibly empty). Cheap when nothing is due.
   */
  async ensureActive(): Promise<void> {
    if (this.fatal) throw this.fatal
    let failingSince: number | undefined
    while ((this.rejoinNeeded || this.ownedLost) && !this.woken) {
      if (this.ownedLost) {
        const lost = this.owned
        this.owned = []
        this.ownedLost = false
        if (lost.length > 0) this.listener.lost(lost)
      }
      if (!this.rejoinNeeded) break
      this.stopHeartbeats()
      if (this.rebalanceProtocol === 'eager' && this.owned.length > 0) {
        const revoked = this.owned
        await this.listener.revoked(revoked)
        this.owned = []
      }
      try {
        const joined = await this.join()
        const assignment = joined && (await this.sync(joined))
        failingSince = undefined
        if (!assignment) continue
        this.rejoinNeeded = false
        try {
          await this.adopt(assignment)
        } catch (error) {
          this.rejoinNeeded = true
          throw error
        }
        this.startHeartbeats()
      } catch (error) {
        if (this.woken) throw new WakeupError('The group member was woken up while joining.', {cause: error})
        if (!isTransient(error)) {
          this.fatal = error as Error
          throw error
        }
        this.coordinator = undefined
        failingSince ??= Date.now()
        if (Date.now() - failingSince > this.sessionTimeoutMs) throw error
        await this.pause(this.retryBackoffMs)
      }
    }
    if (this.woken) throw new WakeupError('The group member was woken up.')
  }

  /** Waits up to `ms`, ending early when a rejoin becomes due or the member is woken up. */
  waitForRebalance(ms: number): Promise<void> {
    if (this.rejoinNeeded || this.ownedLost || this.woken) return Promise.resolve()
    return this.pause(ms)
  }

  /**
   * Commits offsets as this member of this generation. A refusal that means the member must
   * rejoin (REBALANCE_IN_PROGRESS, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID) schedules the rejoin
   * and is thrown, as Java's CommitFailedException is.
   */
  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    if (offsets.length === 0) return
    if (this.generationId < 0)
      throw new KafkaError(ErrorCode.ILLEGAL_GENERATION, `Cannot commit offsets for group '${this.groupId}': the member is not in a generation.`)
    const coordinator = await this.coordinatorConnection()
    let refused
    try {
      refused = await commitOffsets(coordinator.connection, {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.groupInstanceId,
        offsets,
      })
    } catch (error) {
      if (isTransient(error)) this.coordinator = undefined
      throw error
    }
    if (refused.length === 0) return
    const [{error}] = refused
    this.reactTo(error.code)
    throw new KafkaError(error.code, `Committing offsets for group '${this.groupId}' failed: ${error.message}`)
  }

  /** The group's committed offsets for these partitions (offset -1 where there is none). */
  async committed(partitions: readonly TopicPartition[]): Promise<CommittedOffset[]> {
    if (partitions.length === 0) return []
    const coordinator = await this.coordinatorConnection()
    try {
      return await fetchCommitted(coordinator.connection, this.groupId, partitions)
    } catch (error) {
      if (isTransient(error) || (error instanceof KafkaError && isCoordinatorMoving(error.code))) this.coordinator = undefined
      throw error
    }
  }

  /** Interrupts a wait or a parked JoinGroup/SyncGroup: the owner is shutting down. */
  wakeup(): void {
    this.woken = true
    this.wakeWaiters()
    // A JoinGroup can be parked at the coordinator for the whole rebalance timeout.
    if (this.rejoinNeeded) this.coordinator?.connection.close()
  }

  /** Stops heartbeating and leaves the group so the others rebalance at once (static members stay, as in Java). */
  async leave(reason = 'the consumer is being closed'): Promise<void> {
    this.stopHeartbeats()
    const memberId = this.memberId
    this.memberId = ''
    this.generationId = -1
    this.owned = []
    if (memberId === '' || this.groupInstanceId !== null) return
    try {
      const coordinator = await this.coordinatorConnection()
      await coordinator.connection.request(LeaveGroup, {
        groupId: this.groupId,
        memberId,
        members: [{memberId, groupInstanceId: null, reason}],
      })
    } catch {
      // The session timeout removes the member anyway; leaving is only the fast path.
    }
  }

  // ---- join and sync -----------------------------------------------------------------------

  private async join(): Promise<JoinedGeneration | undefined> {
    const coordinator = await this.coordinatorConnection()
    const metadata = encodeSubscription({
      topics: this.topics,
      userData: null,
      ownedPartitions: groupByTopic(this.owned),
      generationId: this.generationId,
      rackId: this.rackId,
    })
    const response = await coordinator.connection.request(
      JoinGroup,
      {
        groupId: this.groupId,
        sessionTimeoutMs: this.sessionTimeoutMs,
        rebalanceTimeoutMs: this.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocols: this.assignors.map((assignor) => ({name: assignor.name, metadata})),
        reason: null,
      },
      {timeoutMs: this.rebalanceTimeoutMs + JOIN_TIMEOUT_MARGIN_MS},
    )
    switch (response.errorCode) {
      case ErrorCode.NONE:
        this.memberId = response.memberId
        this.generationId = response.generationId
        this.protocolName = response.protocolName
        return {
          generationId: response.generationId,
          protocolName: response.protocolName ?? '',
          leader: response.leader,
          members: response.members.map((member) => ({
            memberId: member.memberId,
            groupInstanceId: member.groupInstanceId ?? null,
            metadata: member.metadata,
          })),
        }
      case ErrorCode.MEMBER_ID_REQUIRED:
        // KIP-394: come straight back with the id the coordinator has set aside.
        this.memberId = response.memberId
        return undefined
      case ErrorCode.REBALANCE_IN_PROGRESS:
        return undefined
      default:
        if (this.reactTo(response.errorCode)) {
          if (isCoordinatorMoving(response.errorCode)) await this.pause(this.retryBackoffMs)
          return undefined
        }
        throw new KafkaError(response.errorCode, `Joining group '${this.groupId}' failed: ${new KafkaError(response.errorCode).message}`)
    }
  }

  private async sync(joined: JoinedGeneration): Promise<TopicPartition[] | undefined> {
    const isLeader = joined.leader === this.memberId
    const assignments = isLeader ? await this.assign(joined) : []
    const coordinator = await this.coordinatorConnection()
    const response = await coordinator.connection.request(
      SyncGroup,
      {
        groupId: this.groupId,
        generationId: joined.generationId,
        memberId: this.memberId,
        groupInstanceId: this.groupInstanceId,
        protocolType: CONSUMER_PROTOCOL_TYPE,
        protocolName: joined.protocolName,
        assignments,
      },
      {timeoutMs: this.rebalanceTimeoutMs + JOIN_TIMEOUT_MARGIN_MS},
    )
    if (response.errorCode === ErrorCode.NONE) {
      const assignment = decodeAssignment(response.assignment)
      return assignment.assignedPartitions.flatMap(({topic, partitions}) => partitions.map((partition) => ({topic, partition})))
    }
    if (response.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || this.reactTo(response.errorCode)) return undefined
    throw new KafkaError(response.errorCode, `Syncing with group '${this.groupId}' failed: ${new KafkaError(response.errorCode).message}`)
  }

  /** The leader's part: every member's subscription through the chosen assignor. */
  private async assign(joined: JoinedGeneration): Promise<Array<{memberId: string; assignment: Buffer}>> {
    const assignor = this.assignors.find((candidate) => candidate.name === joined.protocolName)
    if (!assignor)
      throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `The group chose assignor '${joined.protocolName}', which this member did not offer.`)
    const subscriptions: MemberSubscription[] = joined.members.map((member) => {
      const subscription = decodeSubscription(member.metadata)
      return {
        memberId: member.memberId,
        groupInstanceId: member.groupInstanceId,
        topics: subscription.topics,
        ownedPartitions: subscription.ownedPartitions,
        generationId: subscription.generationId,
      }
    })
    const topics = [...new Set(subscriptions.flatMap((member) => member.topics))]
    const metadata = topics.length > 0 ? await this.cluster.refresh(topics) : []
    const counts = new Map(metadata.filter((topic) => topic.errorCode === ErrorCode.NONE).map((topic) => [topic.name, topic.partitions.length]))
    let assignment = assignor.assign(subscriptions, counts)
    if (this.rebalanceProtocol === 'cooperative') assignment = withholdTransfers(assignment, subscriptions)
    return subscriptions.map((member) => ({
      memberId: member.memberId,
      assignment: encodeAssignment({
        assignedPartitions: [...(assignment.get(member.memberId) ?? [])].map(([topic, partitions]) => ({topic, partitions})),
        userData: null,
      }),
    }))
  }

  /** Takes the new assignment: gives up what moved away (then rejoins if cooperative), starts what is new. */
  private async adopt(assigned: TopicPartition[]): Promise<void> {
    const keyOf = (p: TopicPartition) => `${p.topic}\0${p.partition}`
    const assignedKeys = new Set(assigned.map(keyOf))
    const ownedKeys = new Set(this.owned.map(keyOf))
    const revoked = this.owned.filter((p) => !assignedKeys.has(keyOf(p)))
    const added = assigned.filter((p) => !ownedKeys.has(keyOf(p)))
    if (revoked.length > 0) {
      await this.listener.revoked(revoked)
      // The leader can hand these to their new owners only after a rejoin that shows them free.
      this.rejoinNeeded = true
    }
    this.owned = assigned
    if (added.length > 0) await this.listener.assigned(added)
  }

  // ---- heartbeats --------------------------------------------------------------------------

  private startHeartbeats(): void {
    this.stopHeartbeats()
    const epoch = this.heartbeatEpoch
    const beat = () => {
      this.heartbeatTimer = setTimeout(() => {
        void this.heartbeat(epoch).then(() => {
          if (epoch === this.heartbeatEpoch) beat()
        })
      }, this.heartbeatIntervalMs)
      this.heartbeatTimer.unref()
    }
    beat()
  }

  private stopHeartbeats(): void {
    this.heartbeatEpoch++
    clearTimeout(this.heartbeatTimer)
    this.heartbeatTimer = undefined
  }

  private async heartbeat(epoch: number): Promise<void> {
    let errorCode: number
    try {
      const coordinator = await this.coordinatorConnection()
      const response = await coordinator.connection.request(Heartbeat, {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.groupInstanceId,
      })
      errorCode = response.errorCode
    } catch (error) {
      if (epoch === this.heartbeatEpoch && isTransient(error)) this.coordinator = undefined
      return
    }
    if (epoch !== this.heartbeatEpoch || errorCode === ErrorCode.NONE) return
    if (!this.reactTo(errorCode)) this.fatal = new KafkaError(errorCode, `Heartbeat for group '${this.groupId}' failed: ${new KafkaError(errorCode).message}`)
    this.requestRejoin()
  }

  /**
   * What a coordinator error means for the member; false when it cannot be recovered from by
   * rejoining (fenced static member, bad configuration, authorization).
   */
  private reactTo(code: number): boolean {
    switch (code) {
      case ErrorCode.REBALANCE_IN_PROGRESS:
        this.requestRejoin()
        return true
      case ErrorCode.ILLEGAL_GENERATION:
        this.resetGeneration()
        return true
      case ErrorCode.UNKNOWN_MEMBER_ID:
        this.resetGeneration()
        this.memberId = ''
        return true
      default:
        if (isCoordinatorMoving(code)) {
          this.coordinator = undefined
          this.requestRejoin()
          return true
        }
        return false
    }
  }

  /** The generation is gone: what the member owned may already belong to someone else. */
  private resetGeneration(): void {
    this.generationId = -1
    if (this.owned.length > 0) this.ownedLost = true
    this.requestRejoin()
  }

  private requestRejoin(): void {
    this.rejoinNeeded = true
    this.wakeWaiters()
  }

  private async coordinatorConnection(): Promise<Coordinator> {
    if (this.coordinator?.connection.isOpen) return this.coordinator
    this.coordinator = await findCoordinator(this.cluster, this.groupId)
    return this.coordinator
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.waiters.delete(done)
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.waiters.add(done)
    })
  }

  private wakeWaiters(): void {
    for (const waiter of [...this.waiters]) waiter()
  }
}

/** Network trouble and retriable Kafka errors: worth finding the coordinator again and retrying. */
function isTransient(error: unknown): boolean {
  if (error instanceof ConnectionError) return true
  return error instanceof KafkaError && (isRetriable(error.code) || isCoordinatorMoving(error.code))
}
