import {ErrorCode} from '../../protocol/errors.js'

/**
 * Producers older than PRODUCER_FENCED (KIP-588) handle a fenced epoch as INVALID_PRODUCER_EPOCH,
 * so Kafka answers them that; `understandsFenced` is whether the request's version knows the code.
 */
export function fencedForVersion(errorCode: number, understandsFenced: boolean): number {
  return errorCode === ErrorCode.PRODUCER_FENCED && !understandsFenced ? ErrorCode.INVALID_PRODUCER_EPOCH : errorCode
}

/** Requests older than KIP-890's TRANSACTION_ABORTABLE are told INVALID_TXN_STATE instead, as Kafka does. */
export function abortableForVersion(errorCode: number, understandsAbortable: boolean): number {
  return errorCode === ErrorCode.TRANSACTION_ABORTABLE && !understandsAbortable ? ErrorCode.INVALID_TXN_STATE : errorCode
}
