/** ListTransactions' filters, applied as Kafka's transaction coordinator applies them. */
import {ErrorCode} from '../../protocol/errors.js'
import type {TransactionMetadata} from './transaction-metadata.js'

/** Every state name Kafka's coordinator recognises in a filter (Dead and PrepareEpochFence never show). */
const KNOWN_STATE_NAMES: ReadonlySet<string> = new Set([
  'Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence',
])

export interface TransactionListFilter {
  states: readonly string[]
  producerIds: readonly number[]
  /** Only transactions open longer than this; negative for all. */
  minDurationMs: number
  /** Only transactional ids this regular expression matches in full; null or empty for all. */
  transactionalIdPattern: string | null
}

export interface TransactionList {
  errorCode: number
  /** Filter states Kafka does not know, echoed back. */
  unknownStates: string[]
  transactions: TransactionMetadata[]
}

export function listTransactions(all: Iterable<TransactionMetadata>, filter: TransactionListFilter, now: number): TransactionList {
  const unknownStates = filter.states.filter((state) => !KNOWN_STATE_NAMES.has(state))
  let pattern: RegExp | null = null
  if (filter.transactionalIdPattern) {
    try {
      pattern = new RegExp(`^(?:${filter.transactionalIdPattern})$`)
    } catch {
      return {errorCode: ErrorCode.INVALID_REGULAR_EXPRESSION, unknownStates, transactions: []}
    }
  }
  const transactions = [...all].filter((metadata) =>
    (filter.producerIds.length === 0 || filter.producerIds.includes(metadata.producerId)) &&
    (filter.states.length === 0 || filter.states.includes(metadata.state)) &&
    (filter.minDurationMs < 0 || now - metadata.startTimeMs > filter.minDurationMs) &&
    (pattern === null || pattern.test(metadata.transactionalId)))
  return {errorCode: ErrorCode.NONE, unknownStates, transactions}
}
