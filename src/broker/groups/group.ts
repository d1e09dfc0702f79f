/**
 * A classic consumer group as the coordinator keeps it: members with their protocols and
 * assignments, the generation, the chosen protocol and leader, and the state machine
 * Empty → PreparingRebalance → CompletingRebalance → Stable (→ Dead) of Kafka's ClassicGroup.
 */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export interface JoinOutcome {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  memberId: string
  members: {memberId: string; groupInstanceId: string | null; metadata: Buffer}[]
}

export interface SyncOutcome {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Buffer
}

export interface Member {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  sessionTimeoutMs: number
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: {name: string; metadata: Buffer}[]
  assignment: Buffer
  /** A JoinGroup parked until the join phase completes. */
  awaitingJoin?: (outcome: JoinOutcome) => void
  /** A SyncGroup parked until the leader hands out assignments. */
  awaitingSync?: (outcome: SyncOutcome) => void
  sessionTimer?: NodeJS.Timeout
}

const EMPTY = Buffer.alloc(0)

export class ClassicGroup {
  state: GroupState = 'Empty'
  generationId = 0
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  readonly members = new Map<string, Member>()
  /** Member ids handed out with MEMBER_ID_REQUIRED and not yet used to join, with their expiry. */
  readonly pendingMembers = new Map<string, NodeJS.Timeout>()
  /** When the group last changed state: offsets of an Empty group expire counted from here. */
  stateChangedAt: number
  joinTimer?: NodeJS.Timeout
  syncTimer?: NodeJS.Timeout
  /** True during the initial rebalance delay of a group that was Empty. */
  initialDelay = false

  constructor(
    readonly groupId: string,
    now: number,
  ) {
    this.stateChangedAt = now
  }

  transition(state: GroupState, now: number): void {
    this.state = state
    this.stateChangedAt = now
  }

  memberByInstanceId(groupInstanceId: string): Member | undefined {
    for (const member of this.members.values()) if (member.groupInstanceId === groupInstanceId) return member
    return undefined
  }

  /** Whether a member speaking these protocols fits; an empty group takes on whatever its first member speaks. */
  supportsProtocols(protocolType: string, names: string[]): boolean {
    if (this.members.size === 0) return true
    return this.protocolType === protocolType && this.candidateProtocols().some((name) => names.includes(name))
  }

  candidateProtocols(): string[] {
    let candidates: string[] | undefined
    for (const member of this.members.values()) {
      const names = member.protocols.map((protocol) => protocol.name)
      candidates = candidates === undefined ? names : candidates.filter((name) => names.includes(name))
    }
    return candidates ?? []
  }

  /** Each member votes for its most preferred candidate; most votes wins (ties: first candidate). */
  selectProtocol(): string {
    const candidates = this.candidateProtocols()
    const votes = new Map(candidates.map((name) => [name, 0]))
    for (const member of this.members.values()) {
      const choice = member.protocols.find((protocol) => votes.has(protocol.name))!.name
      votes.set(choice, votes.get(choice)! + 1)
    }
    let best = candidates[0]
    for (const name of candidates) if (votes.get(name)! > votes.get(best)!) best = name
    return best
  }

  metadataFor(member: Member): Buffer {
    return member.protocols.find((protocol) => protocol.name === this.protocolName)?.metadata ?? EMPTY
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const member of this.members.values()) if (!member.awaitingJoin) return false
    return true
  }

  maxRebalanceTimeoutMs(): number {
    let max = 0
    for (const member of this.members.values()) max = Math.max(max, member.rebalanceTimeoutMs)
    return max
  }

  clearAssignments(): void {
    for (const member of this.members.values()) member.assignment = EMPTY
  }
}

export function sameProtocols(a: Member['protocols'], b: Member['protocols']): boolean {
  return a.length === b.length && a.every((protocol, i) => protocol.name === b[i].name && protocol.metadata.equals(b[i].metadata))
}
