/**
 * Partition assignors the group leader runs over every member's subscription, under the
 * protocol names Java and librdkafka use, so a kbus leader and a Java or librdkafka leader hand
 * out the same kind of assignment:
 * - `range`: per topic, consecutive partition ranges to members in member order (Java's default).
 * - `roundrobin`: every subscribed partition dealt in turn to the members subscribed to it.
 * - `cooperative-sticky`: balanced, keeping each member's owned partitions where it can; the
 *   only one that supports the cooperative (incremental) rebalance protocol.
 * Pure functions: the member supplies subscriptions and partition counts.
 */

export interface TopicPartitions {
  topic: string
  partitions: number[]
}

export interface MemberSubscription {
  memberId: string
  groupInstanceId: string | null
  topics: string[]
  /** What the member holds now (Subscription v1+); empty under the eager protocol. */
  ownedPartitions: TopicPartitions[]
  /** The generation the owned partitions come from (Subscription v2+), -1 when unknown. */
  generationId: number
}

/** memberId → topic → partitions, partitions ascending. */
export type GroupAssignment = Map<string, Map<string, number[]>>

export type RebalanceProtocol = 'eager' | 'cooperative'

export interface Assignor {
  name: string
  /** Java's ConsumerPartitionAssignor.supportedProtocols(). */
  protocols: readonly RebalanceProtocol[]
  assign(members: readonly MemberSubscription[], partitionCounts: ReadonlyMap<string, number>): GroupAssignment
}

/** Java orders members by group.instance.id when both have one, otherwise by member id. */
function compareMembers(a: MemberSubscription, b: MemberSubscription): number {
  if (a.groupInstanceId !== null && b.groupInstanceId !== null && a.groupInstanceId !== b.groupInstanceId)
    return a.groupInstanceId < b.groupInstanceId ? -1 : 1
  return a.memberId < b.memberId ? -1 : a.memberId > b.memberId ? 1 : 0
}

function emptyAssignment(members: readonly MemberSubscription[]): GroupAssignment {
  return new Map(members.map((member) => [member.memberId, new Map<string, number[]>()]))
}

function give(assignment: GroupAssignment, memberId: string, topic: string, partition: number): void {
  const topics = assignment.get(memberId)!
  let partitions = topics.get(topic)
  if (!partitions) topics.set(topic, (partitions = []))
  partitions.push(partition)
}

function sortedTopics(members: readonly MemberSubscription[], counts: ReadonlyMap<string, number>): string[] {
  return [...new Set(members.flatMap((member) => member.topics))].filter((topic) => (counts.get(topic) ?? 0) > 0).sort()
}

export const rangeAssignor: Assignor = {
  name: 'range',
  protocols: ['eager'],
  assign(members, counts) {
    const assignment = emptyAssignment(members)
    for (const topic of sortedTopics(members, counts)) {
      const consumers = members.filter((member) => member.topics.includes(topic)).sort(compareMembers)
      const total = counts.get(topic)!
      const each = Math.floor(total / consumers.length)
      const extra = total % consumers.length
      consumers.forEach((member, index) => {
        const start = each * index + Math.min(index, extra)
        const length = each + (index < extra ? 1 : 0)
        for (let partition = start; partition < start + length; partition++) give(assignment, member.memberId, topic, partition)
      })
    }
    return assignment
  },
}

export const roundRobinAssignor: Assignor = {
  name: 'roundrobin',
  protocols: ['eager'],
  assign(members, counts) {
    const assignment = emptyAssignment(members)
    const consumers = [...members].sort(compareMembers)
    let next = 0
    for (const topic of sortedTopics(members, counts)) {
      for (let partition = 0; partition < counts.get(topic)!; partition++) {
        // Deal to the next member in the circle that subscribes to this topic.
        while (!consumers[next % consumers.length].topics.includes(topic)) next++
        give(assignment, consumers[next % consumers.length].memberId, topic, partition)
        next++
      }
    }
    return assignment
  },
}

export const cooperativeStickyAssignor: Assignor = {
  name: 'cooperative-sticky',
  protocols: ['cooperative', 'eager'],
  assign(members, counts) {
    const keyOf = (topic: string, partition: number) => `${topic}\0${partition}`
    const consumers = [...members].sort(compareMembers)
    const held = new Map(consumers.map((member) => [member.memberId, new Set<string>()]))
    const owner = new Map<string, string>()
    const take = (memberId: string, key: string) => {
      owner.set(key, memberId)
      held.get(memberId)!.add(key)
    }

    // Keep what members own, newest generation first when two claim the same partition.
    const byGeneration = [...consumers].sort((a, b) => b.generationId - a.generationId)
    for (const member of byGeneration)
      for (const {topic, partitions} of member.ownedPartitions) {
        if (!member.topics.includes(topic)) continue
        for (const partition of partitions) {
          const key = keyOf(topic, partition)
          if (partition < (counts.get(topic) ?? 0) && !owner.has(key)) take(member.memberId, key)
        }
      }

    // Everything else goes to the least loaded member that subscribes to its topic.
    const leastLoaded = (topic: string, except?: string) =>
      consumers
        .filter((member) => member.memberId !== except && member.topics.includes(topic))
        .reduce<MemberSubscription | undefined>((best, member) => (!best || held.get(member.memberId)!.size < held.get(best.memberId)!.size ? member : best), undefined)
    for (const topic of sortedTopics(consumers, counts))
      for (let partition = 0; partition < counts.get(topic)!; partition++) {
        const key = keyOf(topic, partition)
        if (!owner.has(key)) take(leastLoaded(topic)!.memberId, key)
      }

    // Move partitions from the fullest members to emptier ones until no move narrows the gap.
    for (let moved = true; moved; ) {
      moved = false
      const fullestFirst = [...consumers].sort((a, b) => held.get(b.memberId)!.size - held.get(a.memberId)!.size)
      for (const from of fullestFirst) {
        const mine = [...held.get(from.memberId)!].sort().reverse()
        for (const key of mine) {
          const topic = key.slice(0, key.indexOf('\0'))
          const to = leastLoaded(topic, from.memberId)
          if (!to || held.get(from.memberId)!.size - held.get(to.memberId)!.size < 2) continue
          held.get(from.memberId)!.delete(key)
          take(to.memberId, key)
          moved = true
          break
        }
        if (moved) break
      }
    }

    const assignment = emptyAssignment(members)
    for (const [memberId, keys] of held)
      for (const key of [...keys].sort()) {
        const at = key.indexOf('\0')
        give(assignment, memberId, key.slice(0, at), Number(key.slice(at + 1)))
      }
    for (const topics of assignment.values()) for (const partitions of topics.values()) partitions.sort((a, b) => a - b)
    return assignment
  },
}

const ASSIGNORS: ReadonlyMap<string, Assignor> = new Map(
  [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor].map((assignor) => [assignor.name, assignor]),
)

/** Java's class names for the same assignors, as partition.assignment.strategy may hold them. */
const JAVA_CLASS_NAMES: ReadonlyMap<string, string> = new Map([
  ['org.apache.kafka.clients.consumer.RangeAssignor', 'range'],
  ['org.apache.kafka.clients.consumer.RoundRobinAssignor', 'roundrobin'],
  ['org.apache.kafka.clients.consumer.CooperativeStickyAssignor', 'cooperative-sticky'],
])

/** Kafka 4's default partition.assignment.strategy. */
export const DEFAULT_ASSIGNORS = ['range', 'cooperative-sticky'] as const

/** The assignor for a protocol name or Java class name; undefined when kbus has none by that name. */
export function assignorByName(name: string): Assignor | undefined {
  const trimmed = name.trim()
  return ASSIGNORS.get(JAVA_CLASS_NAMES.get(trimmed) ?? trimmed.toLowerCase())
}

export function knownAssignorNames(): string[] {
  return [...ASSIGNORS.keys()]
}

/**
 * The rebalance protocol a member uses: cooperative only when every configured assignor
 * supports it (Java's rule), so a list mixing range and cooperative-sticky stays eager.
 */
export function rebalanceProtocolOf(assignors: readonly Assignor[]): RebalanceProtocol {
  return assignors.every((assignor) => assignor.protocols.includes('cooperative')) ? 'cooperative' : 'eager'
}

/**
 * The cooperative protocol's second step: a partition moving between members is first only
 * taken from its owner; it is handed to the new owner in the rebalance that follows the revocation.
 */
export function withholdTransfers(assignment: GroupAssignment, members: readonly MemberSubscription[]): GroupAssignment {
  const ownerOf = new Map<string, string>()
  for (const member of members)
    for (const {topic, partitions} of member.ownedPartitions)
      for (const partition of partitions) ownerOf.set(`${topic}\0${partition}`, member.memberId)
  const adjusted: GroupAssignment = new Map()
  for (const [memberId, topics] of assignment) {
    const kept = new Map<string, number[]>()
    for (const [topic, partitions] of topics) {
      const mine = partitions.filter((partition) => {
        const owner = ownerOf.get(`${topic}\0${partition}`)
        return owner === undefined || owner === memberId
      })
      if (mine.length > 0) kept.set(topic, mine)
    }
    adjusted.set(memberId, kept)
  }
  return adjusted
}
