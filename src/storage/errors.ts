/**
 * Errors the log raises, each carrying the Kafka error code a broker answers with, so the broker
 * maps them once and never has to guess from a message.
 */

/** Kafka's KAFKA_STORAGE_ERROR: the log directory cannot serve the request. */
export const KAFKA_STORAGE_ERROR = 56
/** Kafka's OFFSET_OUT_OF_RANGE. */
export const OFFSET_OUT_OF_RANGE = 1
/** Kafka's CORRUPT_MESSAGE. */
export const CORRUPT_MESSAGE = 2

export class StorageError extends Error {
  constructor(
    message: string,
    readonly code: number = KAFKA_STORAGE_ERROR,
    options?: {cause?: unknown},
  ) {
    super(message, options)
    this.name = new.target.name
  }
}

/**
 * Damage in a log that recovery must not repair by itself: acknowledged data would be lost. The
 * daemon refuses to start and shows this message to the operator.
 */
export class StorageCorruptionError extends StorageError {
  constructor(
    readonly file: string,
    readonly position: number,
    detail: string,
  ) {
    super(
      `${file} is damaged at byte position ${position}: ${detail}. ` +
        'kbus will not drop data from the middle of a log. Move the partition directory aside (or restore it from a ' +
        'backup) and start again.',
    )
  }
}

/** A read below the log start offset or past the log end. */
export class OffsetOutOfRangeError extends StorageError {
  constructor(message: string) {
    super(message, OFFSET_OUT_OF_RANGE)
  }
}

/** A batch handed to `append` whose framing does not hold together. */
export class CorruptBatchError extends StorageError {
  constructor(message: string) {
    super(message, CORRUPT_MESSAGE)
  }
}
