/**
 * ListPartitionReassignments (46), v0 (kafka-reassign-partitions --list): one broker has nowhere
 * to move a replica, so no reassignment is ever in progress. Kafka's controller skips named
 * topics that do not exist and partitions not being moved, so every question gets an empty list.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {ListPartitionReassignments} from '../../protocol/messages/46-list-partition-reassignments.js'
import {defineHandler} from '../handler.js'

export const listPartitionReassignmentsHandler = defineHandler({
  api: ListPartitionReassignments,
  async handle() {
    return {throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: []}
  },
})
