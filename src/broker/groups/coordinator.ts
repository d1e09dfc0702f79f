/**
 * The group coordinator for Kafka's classic protocol (GroupMetadataManager's classic paths):
 * JoinGroup with MEMBER_ID_REQUIRED and the initial rebalance delay, SyncGroup, Heartbeat with
 * session expiry, LeaveGroup, and committed offsets persisted through the offset log before
 * they are acknowledged. Requests that must wait (a join until everyone rejoined, a follower's
 * sync until the leader's assignment) are parked as promises.
 */
import {randomUUID} from 'node:crypto'
import {ErrorCode} from '../../protocol/errors.js'
import type {Logger} from '../../daemon/logger.js'
import {ClassicGroup, type JoinOutcome, type Member, type SyncOutcome, sameProtocols} from './group.js'
import type {CommittedOffset, OffsetLog, OffsetLogEntry} from './offset-log.js'

export interface CoordinatorSettings {
  initialRebalanceDelayMs: number
  minSessionTimeoutMs: number
  maxSessionTimeoutMs: number
  offsetsRetentionMs: number
}

/** What a joining member tells about itself: the member's own fields, plus where it joins. */
export type JoinRequest = Pick<
  Member,
  'memberId' | 'groupInstanceId' | 'clientId' | 'clientHost' | 'sessionTimeoutMs' | 'rebalanceTimeoutMs' | 'protocolType' | 'protocols'
> & {
  groupId: string
  /** JoinGroup v4+ first asks a new dynamic member to come back with the id it is given. */
  requireKnownMemberId: boolean
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  protocolType: string | null
  protocolName: string | null
  assignments: {memberId: string; assignment: Buffer}[]
}

export interface MemberRef {
  memberId: string
  groupInstanceId: string | null
}

export interface OffsetCommitRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** Offset metadata above this size is refused (offset.metadata.max.bytes). */
  topics: {name: string; partitions: {partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string | null}[]}[]
  /** OffsetCommit v9+ reports a missing group as GROUP_ID_NOT_FOUND rather than ILLEGAL_GENERATION. */
  groupIdNotFoundCode: boolean
}

const OFFSET_METADATA_MAX_BYTES = 4096
const EMPTY = Buffer.alloc(0)
const offsetKey = (topic: string, partition: number) => `${topic}\u0000${partition}`

export class GroupCoordinator {
  private readonly groups = new Map<string, ClassicGroup>()
  private readonly offsets = new Map<string, Map<string, CommittedOffset>>()
  private readonly timers = new Set<NodeJS.Timeout>()
  /** Group metadata writes nobody waits for, finished before the logs close. */
  private readonly backgroundWrites = new Set<Promise<void>>()

  constructor(
    private readonly log: OffsetLog,
    private readonly settings: CoordinatorSettings,
    private readonly partitionExists: (topic: string, partition: number) => boolean,
    private readonly logger: Logger,
    private readonly now: () => number = () => Date.now(),
  ) {}

  /** Rebuilds groups and offsets from the offset log: every group comes back Empty. */
  async load(): Promise<void> {
    await this.log.replay((entry) => this.apply(entry))
  }

  // ---- JoinGroup ---------------------------------------------------------------------------

  join(request: JoinRequest): Promise<JoinOutcome> {
    const fail = (errorCode: number, memberId = request.memberId) =>
      Promise.resolve(joinError(errorCode, memberId))
    if (request.groupId === '') return fail(ErrorCode.INVALID_GROUP_ID)
    if (request.sessionTimeoutMs < this.settings.minSessionTimeoutMs || request.sessionTimeoutMs > this.settings.maxSessionTimeoutMs)
      return fail(ErrorCode.INVALID_SESSION_TIMEOUT)
    if (request.protocolType === '' || request.protocols.length === 0) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)

    let group = this.groups.get(request.groupId)
    if (!group) {
      if (request.memberId !== '') return fail(ErrorCode.UNKNOWN_MEMBER_ID)
      group = this.createGroup(request.groupId)
    }
    if (group.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const names = request.protocols.map((protocol) => protocol.name)
    const known = group.members.get(request.memberId)
    const othersAgree = known && group.members.size === 1 ? true : group.supportsProtocols(request.protocolType, names)
    if (!othersAgree) return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)

    if (request.memberId === '') return this.joinNewMember(group, request)
    if (group.pendingMembers.has(request.memberId)) {
      clearTimeout(group.pendingMembers.get(request.memberId))
      group.pendingMembers.delete(request.memberId)
      return this.addMemberAndRebalance(group, request, request.memberId)
    }
    if (!known) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (request.groupInstanceId !== null && known.groupInstanceId !== request.groupInstanceId) return fail(ErrorCode.FENCED_INSTANCE_ID)
    return this.rejoin(group, known, request)
  }

  private joinNewMember(group: ClassicGroup, request: JoinRequest): Promise<JoinOutcome> {
    const memberId = `${request.groupInstanceId ?? request.clientId}-${randomUUID()}`
    if (request.groupInstanceId !== null) {
      const previous = group.memberByInstanceId(request.groupInstanceId)
      if (previous) return this.replaceStaticMember(group, previous, memberId, request)
      return this.addMemberAndRebalance(group, request, memberId)
    }
    if (request.requireKnownMemberId) {
      // KIP-394: the member must come back with this id before it counts, so a client that
      // dies between the two requests leaves no member behind.
      group.pendingMembers.set(memberId, this.timer(request.sessionTimeoutMs, () => {
        group.pendingMembers.delete(memberId)
        if (group.state === 'PreparingRebalance') this.tryCompleteJoin(group)
      }))
      return Promise.resolve(joinError(ErrorCode.MEMBER_ID_REQUIRED, memberId))
    }
    return this.addMemberAndRebalance(group, request, memberId)
  }

  /** A static member restarting: it takes over its old identity and, if nothing changed, its assignment. */
  private replaceStaticMember(group: ClassicGroup, previous: Member, memberId: string, request: JoinRequest): Promise<JoinOutcome> {
    previous.awaitingJoin?.(joinError(ErrorCode.FENCED_INSTANCE_ID, previous.memberId))
    previous.awaitingSync?.({errorCode: ErrorCode.FENCED_INSTANCE_ID, protocolType: null, protocolName: null, assignment: EMPTY})
    clearTimeout(previous.sessionTimer)
    group.members.delete(previous.memberId)
    const member: Member = {...this.newMember(request, memberId), assignment: previous.assignment}
    group.members.set(memberId, member)
    if (group.leaderId === previous.memberId) group.leaderId = memberId
    const unchanged = sameProtocols(previous.protocols, request.protocols)
    if (group.state === 'Stable' && unchanged && group.leaderId !== memberId) {
      this.touchSession(group, member)
      return Promise.resolve(this.joinAnswer(group, member))
    }
    return this.park(group, member, () => this.prepareRebalance(group))
  }

  private addMemberAndRebalance(group: ClassicGroup, request: JoinRequest, memberId: string): Promise<JoinOutcome> {
    const member = this.newMember(request, memberId)
    if (group.members.size === 0) group.protocolType = request.protocolType
    group.members.set(memberId, member)
    group.leaderId ??= memberId
    return this.park(group, member, () => {
      if (group.state === 'PreparingRebalance') {
        if (group.initialDelay) this.extendInitialDelay(group)
        else this.tryCompleteJoin(group)
      } else this.prepareRebalance(group)
    })
  }

  private rejoin(group: ClassicGroup, member: Member, request: JoinRequest): Promise<JoinOutcome> {
    const changed = !sameProtocols(member.protocols, request.protocols)
    member.protocols = request.protocols
    member.sessionTimeoutMs = request.sessionTimeoutMs
    member.rebalanceTimeoutMs = request.rebalanceTimeoutMs
    member.clientHost = request.clientHost
    switch (group.state) {
      case 'PreparingRebalance':
        return this.park(group, member, () => this.tryCompleteJoin(group))
      case 'CompletingRebalance':
        if (!changed) return Promise.resolve(this.joinAnswer(group, member))
        return this.park(group, member, () => this.prepareRebalance(group))
      case 'Stable':
        if (!changed && group.leaderId !== member.memberId) {
          this.touchSession(group, member)
          return Promise.resolve(this.joinAnswer(group, member))
        }
        return this.park(group, member, () => this.prepareRebalance(group))
      default:
        return Promise.resolve(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId))
    }
  }

  private park(group: ClassicGroup, member: Member, then: () => void): Promise<JoinOutcome> {
    const answer = new Promise<JoinOutcome>((resolve) => {
      member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId))
      member.awaitingJoin = resolve
    })
    this.touchSession(group, member)
    then()
    return answer
  }

  private prepareRebalance(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance') return this.tryCompleteJoin(group)
    if (group.state === 'CompletingRebalance') {
      clearTimeout(group.syncTimer)
      for (const member of group.members.values()) {
        member.awaitingSync?.({errorCode: ErrorCode.REBALANCE_IN_PROGRESS, protocolType: null, protocolName: null, assignment: EMPTY})
        member.awaitingSync = undefined
      }
      group.clearAssignments()
    }
    const wasEmpty = group.state === 'Empty'
    group.transition('PreparingRebalance', this.now())
    if (wasEmpty && this.settings.initialRebalanceDelayMs > 0) {
      group.initialDelay = true
      group.joinTimer = this.timer(this.settings.initialRebalanceDelayMs, () => this.endInitialDelay(group))
      initialDeadlines.set(group, this.now() + Math.max(group.maxRebalanceTimeoutMs(), this.settings.initialRebalanceDelayMs))
    } else {
      group.joinTimer = this.timer(group.maxRebalanceTimeoutMs(), () => this.completeJoin(group))
      this.tryCompleteJoin(group)
    }
  }

  /** Each member joining during the initial delay buys the others one more delay, up to the rebalance timeout. */
  private extendInitialDelay(group: ClassicGroup): void {
    const deadline = initialDeadlines.get(group) ?? this.now()
    const delay = Math.min(this.settings.initialRebalanceDelayMs, Math.max(0, deadline - this.now()))
    clearTimeout(group.joinTimer)
    group.joinTimer = this.timer(delay, () => this.endInitialDelay(group))
  }

  private endInitialDelay(group: ClassicGroup): void {
    group.initialDelay = false
    if (group.allMembersJoined()) return this.completeJoin(group)
    group.joinTimer = this.timer(group.maxRebalanceTimeoutMs(), () => this.completeJoin(group))
  }

  private tryCompleteJoin(group: ClassicGroup): void {
    if (group.state === 'PreparingRebalance' && !group.initialDelay && group.allMembersJoined()) this.completeJoin(group)
  }

  private completeJoin(group: ClassicGroup): void {
    if (group.state !== 'PreparingRebalance') return
    clearTimeout(group.joinTimer)
    group.initialDelay = false
    for (const member of [...group.members.values()]) if (!member.awaitingJoin) this.removeMember(group, member)
    for (const timer of group.pendingMembers.values()) clearTimeout(timer)
    group.pendingMembers.clear()
    group.generationId++
    if (group.members.size === 0) {
      group.protocolName = null
      group.leaderId = null
      group.transition('Empty', this.now())
      this.persistGroup(group)
      return
    }
    if (!group.leaderId || !group.members.has(group.leaderId)) group.leaderId = group.members.keys().next().value!
    group.protocolName = group.selectProtocol()
    group.transition('CompletingRebalance', this.now())
    for (const member of group.members.values()) {
      const resolve = member.awaitingJoin!
      member.awaitingJoin = undefined
      this.touchSession(group, member)
      resolve(this.joinAnswer(group, member))
    }
    group.syncTimer = this.timer(group.maxRebalanceTimeoutMs(), () => this.expirePendingSyncs(group))
  }

  private joinAnswer(group: ClassicGroup, member: Member): JoinOutcome {
    const isLeader = member.memberId === group.leaderId
    return {
      errorCode: ErrorCode.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      memberId: member.memberId,
      members: isLeader
        ? [...group.members.values()].map((m) => ({memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: group.metadataFor(m)}))
        : [],
    }
  }

  /** Members that never sent SyncGroup after the join are dropped and the group tries again. */
  private expirePendingSyncs(group: ClassicGroup): void {
    if (group.state !== 'CompletingRebalance') return
    for (const member of [...group.members.values()]) if (!member.awaitingSync) this.removeMember(group, member)
    this.afterMembershipChange(group)
  }

  // ---- SyncGroup / Heartbeat / LeaveGroup --------------------------------------------------

  sync(request: SyncRequest): Promise<SyncOutcome> {
    const fail = (errorCode: number) => Promise.resolve({errorCode, protocolType: null, protocolName: null, assignment: EMPTY})
    const group = this.groups.get(request.groupId)
    if (!group || group.state === 'Empty') return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (group.state === 'Dead') return fail(ErrorCode.COORDINATOR_NOT_AVAILABLE)
    const member = group.members.get(request.memberId)
    if (!member) return fail(ErrorCode.UNKNOWN_MEMBER_ID)
    if (request.groupInstanceId !== null && member.groupInstanceId !== request.groupInstanceId) return fail(ErrorCode.FENCED_INSTANCE_ID)
    if (request.generationId !== group.generationId) return fail(ErrorCode.ILLEGAL_GENERATION)
    if ((request.protocolType !== null && request.protocolType !== group.protocolType) ||
      (request.protocolName !== null && request.protocolName !== group.protocolName))
      return fail(ErrorCode.INCONSISTENT_GROUP_PROTOCOL)
    this.touchSession(group, member)
    if (group.state === 'PreparingRebalance') return fail(ErrorCode.REBALANCE_IN_PROGRESS)
    if (group.state === 'Stable') return Promise.resolve(this.syncAnswer(group, member))

    const answer = new Promise<SyncOutcome>((resolve) => (member.awaitingSync = resolve))
    if (member.memberId === group.leaderId) {
      const assigned = new Map(request.assignments.map((a) => [a.memberId, a.assignment]))
      for (const each of group.members.values()) each.assignment = assigned.get(each.memberId) ?? EMPTY
      clearTimeout(group.syncTimer)
      group.transition('Stable', this.now())
      for (const each of group.members.values()) {
        each.awaitingSync?.(this.syncAnswer(group, each))
        each.awaitingSync = undefined
      }
      this.persistGroup(group)
    }
    return answer
  }

  private syncAnswer(group: ClassicGroup, member: Member): SyncOutcome {
    return {errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment}
  }

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null): number {
    const group = this.groups.get(groupId)
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const member = group.members.get(memberId)
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
    if (groupInstanceId !== null && member.groupInstanceId !== groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID
    if (generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    this.touchSession(group, member)
    return group.state === 'PreparingRebalance' ? ErrorCode.REBALANCE_IN_PROGRESS : ErrorCode.NONE
  }

  leave(groupId: string, leaving: MemberRef[]): {errorCode: number; members: (MemberRef & {errorCode: number})[]} {
    const group = this.groups.get(groupId)
    if (!group || group.state === 'Dead') return {errorCode: ErrorCode.UNKNOWN_MEMBER_ID, members: []}
    const members = leaving.map((ref) => {
      const member = ref.memberId === '' && ref.groupInstanceId !== null
        ? group.memberByInstanceId(ref.groupInstanceId)
        : group.members.get(ref.memberId)
      if (!member) return {...ref, errorCode: ErrorCode.UNKNOWN_MEMBER_ID}
      if (ref.groupInstanceId !== null && member.groupInstanceId !== ref.groupInstanceId)
        return {...ref, errorCode: ErrorCode.FENCED_INSTANCE_ID}
      this.removeMember(group, member)
      return {...ref, errorCode: ErrorCode.NONE}
    })
    if (members.some((member) => member.errorCode === ErrorCode.NONE)) this.afterMembershipChange(group)
    return {errorCode: ErrorCode.NONE, members}
  }

  private removeMember(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer)
    this.timers.delete(member.sessionTimer!)
    member.awaitingJoin?.(joinError(ErrorCode.UNKNOWN_MEMBER_ID, member.memberId))
    member.awaitingSync?.({errorCode: ErrorCode.UNKNOWN_MEMBER_ID, protocolType: null, protocolName: null, assignment: EMPTY})
    group.members.delete(member.memberId)
    if (group.leaderId === member.memberId) group.leaderId = group.members.keys().next().value ?? null
  }

  private afterMembershipChange(group: ClassicGroup): void {
    if (group.state === 'Stable' || group.state === 'CompletingRebalance') this.prepareRebalance(group)
    else if (group.state === 'PreparingRebalance') {
      if (group.members.size === 0 && group.pendingMembers.size === 0) this.completeJoin(group)
      else this.tryCompleteJoin(group)
    }
  }

  /** Restarts a member's session clock; a parked join or sync counts as a heartbeat. */
  private touchSession(group: ClassicGroup, member: Member): void {
    clearTimeout(member.sessionTimer)
    this.timers.delete(member.sessionTimer!)
    member.sessionTimer = this.timer(member.sessionTimeoutMs, () => {
      if (group.members.get(member.memberId) !== member) return
      if (member.awaitingJoin || member.awaitingSync) return this.touchSession(group, member)
      this.logger.info(`Member ${member.memberId} in group ${group.groupId} has failed, removing it from the group`)
      this.removeMember(group, member)
      this.afterMembershipChange(group)
    })
  }

  // ---- Offsets -----------------------------------------------------------------------------

  async commit(request: OffsetCommitRequest): Promise<{name: string; partitions: {partitionIndex: number; errorCode: number}[]}[]> {
    const everyPartition = (errorCode: number) =>
      request.topics.map((topic) => ({name: topic.name, partitions: topic.partitions.map((p) => ({partitionIndex: p.partitionIndex, errorCode}))}))
    let group = this.groups.get(request.groupId)
    if (request.groupId === '') return everyPartition(ErrorCode.INVALID_GROUP_ID)
    if (!group) {
      if (request.generationId >= 0)
        return everyPartition(request.groupIdNotFoundCode ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION)
      group = this.createGroup(request.groupId)
    }
    const groupError = this.commitError(group, request)
    if (groupError !== ErrorCode.NONE) return everyPartition(groupError)

    const timestamp = this.now()
    const entries: OffsetLogEntry[] = []
    const result = request.topics.map((topic) => ({
      name: topic.name,
      partitions: topic.partitions.map((partition) => {
        const metadata = partition.committedMetadata ?? ''
        let errorCode: number = ErrorCode.NONE
        if (Buffer.byteLength(metadata) > OFFSET_METADATA_MAX_BYTES) errorCode = ErrorCode.OFFSET_METADATA_TOO_LARGE
        else if (!this.partitionExists(topic.name, partition.partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION
        else
          entries.push({
            kind: 'offset', group: request.groupId, topic: topic.name, partition: partition.partitionIndex,
            value: {offset: partition.committedOffset, leaderEpoch: partition.committedLeaderEpoch, metadata, commitTimestamp: timestamp},
          })
        return {partitionIndex: partition.partitionIndex, errorCode}
      }),
    }))
    try {
      await this.log.append(request.groupId, entries, timestamp)
    } catch (error) {
      this.logger.error(`Storing offsets of group ${request.groupId} failed: ${(error as Error).message}`)
      return everyPartition(ErrorCode.KAFKA_STORAGE_ERROR)
    }
    for (const entry of entries) this.apply(entry)
    return result
  }

  private commitError(group: ClassicGroup, request: OffsetCommitRequest): number {
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    const asMember = request.generationId >= 0 || request.memberId !== '' || request.groupInstanceId !== null
    if (!asMember) return group.state === 'Empty' ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID
    const member = group.members.get(request.memberId)
    if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
    if (request.groupInstanceId !== null && member.groupInstanceId !== request.groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID
    if (request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    if (group.state === 'CompletingRebalance') return ErrorCode.REBALANCE_IN_PROGRESS
    this.touchSession(group, member)
    return ErrorCode.NONE
  }

  /**
   * TxnOffsetCommit's member checks (Kafka's): a transactional producer may commit for a group it
   * is not a member of (generation -1, no member id), as Kafka allows; a member must be current.
   */
  txnOffsetCommitError(request: {groupId: string; generationId: number; memberId: string; groupInstanceId: string | null}): number {
    if (request.groupId === '') return ErrorCode.INVALID_GROUP_ID
    const group = this.groups.get(request.groupId)
    if (!group) return request.generationId >= 0 ? ErrorCode.ILLEGAL_GENERATION : ErrorCode.NONE
    if (group.state === 'Dead') return ErrorCode.COORDINATOR_NOT_AVAILABLE
    if (request.memberId !== '') {
      const member = group.members.get(request.memberId)
      if (!member) return ErrorCode.UNKNOWN_MEMBER_ID
      if (request.groupInstanceId !== null && member.groupInstanceId !== request.groupInstanceId) return ErrorCode.FENCED_INSTANCE_ID
    }
    if (request.generationId >= 0 && request.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION
    return ErrorCode.NONE
  }

  /** The offsets a transaction staged, committed when it commits: durable first, then visible. */
  async commitTransactionalOffsets(
    groupId: string,
    offsets: {topic: string; partition: number; offset: number; leaderEpoch: number; metadata: string}[],
  ): Promise<void> {
    if (!this.groups.has(groupId)) this.createGroup(groupId)
    const timestamp = this.now()
    const entries: OffsetLogEntry[] = offsets
      .filter(({topic, partition}) => this.partitionExists(topic, partition))
      .map(({topic, partition, offset, leaderEpoch, metadata}) => ({
        kind: 'offset', group: groupId, topic, partition, value: {offset, leaderEpoch, metadata, commitTimestamp: timestamp},
      }))
    await this.log.append(groupId, entries, timestamp)
    for (const entry of entries) this.apply(entry)
  }

  /** The committed offsets of a group: all of them (`topics` null) or those asked for (-1 when none). */
  committed(groupId: string, topics: {name: string; partitionIndexes: number[]}[] | null) {
    const stored = this.offsets.get(groupId) ?? new Map<string, CommittedOffset>()
    const answer = (topic: string, partition: number) => {
      const offset = stored.get(offsetKey(topic, partition))
      return {
        partitionIndex: partition,
        committedOffset: offset?.offset ?? -1,
        committedLeaderEpoch: offset?.leaderEpoch ?? -1,
        metadata: offset?.metadata ?? '',
        errorCode: ErrorCode.NONE as number,
      }
    }
    if (topics !== null) return topics.map((topic) => ({name: topic.name, partitions: topic.partitionIndexes.map((p) => answer(topic.name, p))}))
    const byTopic = new Map<string, number[]>()
    for (const key of stored.keys()) {
      const [topic, partition] = key.split('\u0000')
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), Number(partition)])
    }
    return [...byTopic].map(([name, partitions]) => ({name, partitions: partitions.sort((a, b) => a - b).map((p) => answer(name, p))}))
  }

  async deleteOffsets(groupId: string, topics: {name: string; partitions: number[]}[]): Promise<{errorCode: number; topics: {name: string; partitions: {partitionIndex: number; errorCode: number}[]}[]}> {
    const group = this.groups.get(groupId)
    if (!group || group.state === 'Dead') return {errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: []}
    if (group.state !== 'Empty') return {errorCode: ErrorCode.NON_EMPTY_GROUP, topics: []}
    const entries: OffsetLogEntry[] = topics.flatMap((topic) =>
      topic.partitions.map((partition) => ({kind: 'offset' as const, group: groupId, topic: topic.name, partition, value: null})))
    await this.log.append(groupId, entries, this.now())
    for (const entry of entries) this.apply(entry)
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((topic) => ({name: topic.name, partitions: topic.partitions.map((partitionIndex) => ({partitionIndex, errorCode: ErrorCode.NONE}))})),
    }
  }

  // ---- Admin -------------------------------------------------------------------------------

  list(): ClassicGroup[] {
    return [...this.groups.values()].filter((group) => group.state !== 'Dead')
  }

  group(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId)
  }

  async deleteGroup(groupId: string): Promise<number> {
    const group = this.groups.get(groupId)
    if (!group || group.state === 'Dead') return ErrorCode.GROUP_ID_NOT_FOUND
    if (group.state !== 'Empty') return ErrorCode.NON_EMPTY_GROUP
    await this.forget(group)
    return ErrorCode.NONE
  }

  /**
   * Drops offsets past offsets.retention.minutes: for a group with a protocol, counted from when
   * it became Empty; for a group only ever used for standalone commits, per offset from its commit.
   */
  async expireOffsets(): Promise<void> {
    const now = this.now()
    const retention = this.settings.offsetsRetentionMs
    for (const group of this.list()) {
      if (group.state !== 'Empty') continue
      const stored = this.offsets.get(group.groupId) ?? new Map<string, CommittedOffset>()
      const expired = [...stored].filter(([, offset]) =>
        group.protocolType === null ? now - offset.commitTimestamp >= retention : now - group.stateChangedAt >= retention)
      if (expired.length === stored.size) {
        await this.forget(group)
        continue
      }
      const entries: OffsetLogEntry[] = expired.map(([key]) => {
        const [topic, partition] = key.split('\u0000')
        return {kind: 'offset', group: group.groupId, topic, partition: Number(partition), value: null}
      })
      await this.log.append(group.groupId, entries, now)
      for (const entry of entries) this.apply(entry)
    }
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    await Promise.all(this.backgroundWrites)
  }

  private async forget(group: ClassicGroup): Promise<void> {
    const entries: OffsetLogEntry[] = [...(this.offsets.get(group.groupId)?.keys() ?? [])].map((key) => {
      const [topic, partition] = key.split('\u0000')
      return {kind: 'offset', group: group.groupId, topic, partition: Number(partition), value: null}
    })
    entries.push({kind: 'group', group: group.groupId, value: null})
    group.transition('Dead', this.now())
    this.groups.delete(group.groupId)
    this.offsets.delete(group.groupId)
    await this.log.append(group.groupId, entries, this.now())
  }

  private createGroup(groupId: string): ClassicGroup {
    const group = new ClassicGroup(groupId, this.now())
    this.groups.set(groupId, group)
    return group
  }

  private newMember(request: JoinRequest, memberId: string): Member {
    const {groupId: _groupId, requireKnownMemberId: _required, ...member} = request
    return {...member, memberId, assignment: EMPTY}
  }

  private persistGroup(group: ClassicGroup): void {
    const entry: OffsetLogEntry = {
      kind: 'group', group: group.groupId,
      value: {protocolType: group.protocolType ?? '', generation: group.generationId, protocol: group.protocolName, leader: group.leaderId, currentStateTimestamp: group.stateChangedAt},
    }
    const write = this.log
      .append(group.groupId, [entry], this.now())
      .catch((error: Error) => this.logger.warn(`Storing metadata of group ${group.groupId} failed: ${error.message}`))
      .finally(() => this.backgroundWrites.delete(write))
    this.backgroundWrites.add(write)
  }

  private apply(entry: OffsetLogEntry): void {
    if (entry.kind === 'group') {
      if (entry.value === null) {
        if (this.groups.get(entry.group)?.members.size === 0) this.groups.delete(entry.group)
        return
      }
      const group = this.groups.get(entry.group) ?? this.createGroup(entry.group)
      if (group.members.size === 0) {
        group.generationId = entry.value.generation
        group.protocolType = entry.value.protocolType === '' ? null : entry.value.protocolType
        group.stateChangedAt = entry.value.currentStateTimestamp
      }
      return
    }
    let stored = this.offsets.get(entry.group)
    if (entry.value === null) {
      stored?.delete(offsetKey(entry.topic, entry.partition))
      return
    }
    if (!this.groups.has(entry.group)) this.createGroup(entry.group)
    if (!stored) this.offsets.set(entry.group, (stored = new Map()))
    stored.set(offsetKey(entry.topic, entry.partition), entry.value)
  }

  private timer(ms: number, fire: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      fire()
    }, Math.max(0, ms))
    this.timers.add(timer)
    return timer
  }
}

/** When the initial rebalance delay of a group must end at the latest. */
const initialDeadlines = new WeakMap<ClassicGroup, number>()

function joinError(errorCode: number, memberId: string): JoinOutcome {
  return {errorCode, generationId: -1, protocolType: null, protocolName: null, leader: '', memberId, members: []}
}
