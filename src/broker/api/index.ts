/** The APIs kbus serves, by key: this table is the broker's protocol coverage. */
import type {ApiHandler} from '../handler.js'
import {produceHandler} from './00-produce.js'
import {fetchHandler} from './01-fetch.js'
import {listOffsetsHandler} from './02-list-offsets.js'
import {metadataHandler} from './03-metadata.js'
import {offsetCommitHandler} from './08-offset-commit.js'
import {offsetFetchHandler} from './09-offset-fetch.js'
import {findCoordinatorHandler} from './10-find-coordinator.js'
import {joinGroupHandler} from './11-join-group.js'
import {heartbeatHandler} from './12-heartbeat.js'
import {leaveGroupHandler} from './13-leave-group.js'
import {syncGroupHandler} from './14-sync-group.js'
import {describeGroupsHandler} from './15-describe-groups.js'
import {listGroupsHandler} from './16-list-groups.js'
import {type ApiRange, apiVersionsHandler} from './18-api-versions.js'
import {createTopicsHandler} from './19-create-topics.js'
import {deleteTopicsHandler} from './20-delete-topics.js'
import {deleteRecordsHandler} from './21-delete-records.js'
import {initProducerIdHandler} from './22-init-producer-id.js'
import {addPartitionsToTxnHandler} from './24-add-partitions-to-txn.js'
import {addOffsetsToTxnHandler} from './25-add-offsets-to-txn.js'
import {endTxnHandler} from './26-end-txn.js'
import {txnOffsetCommitHandler} from './28-txn-offset-commit.js'
import {describeAclsHandler} from './29-describe-acls.js'
import {createAclsHandler} from './30-create-acls.js'
import {deleteAclsHandler} from './31-delete-acls.js'
import {describeConfigsHandler} from './32-describe-configs.js'
import {alterConfigsHandler} from './33-alter-configs.js'
import {describeLogDirsHandler} from './35-describe-log-dirs.js'
import {createPartitionsHandler} from './37-create-partitions.js'
import {deleteGroupsHandler} from './42-delete-groups.js'
import {electLeadersHandler} from './43-elect-leaders.js'
import {incrementalAlterConfigsHandler} from './44-incremental-alter-configs.js'
import {listPartitionReassignmentsHandler} from './46-list-partition-reassignments.js'
import {offsetDeleteHandler} from './47-offset-delete.js'
import {describeClusterHandler} from './60-describe-cluster.js'
import {describeProducersHandler} from './61-describe-producers.js'
import {describeTransactionsHandler} from './65-describe-transactions.js'
import {listTransactionsHandler} from './66-list-transactions.js'
import {describeTopicPartitionsHandler} from './75-describe-topic-partitions.js'

const handlers = new Map<number, ApiHandler>()

function advertised(): ApiRange[] {
  return [...handlers.values()].map(({api}) => ({apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion}))
}

for (const handler of [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  offsetCommitHandler,
  offsetFetchHandler,
  findCoordinatorHandler,
  joinGroupHandler,
  heartbeatHandler,
  leaveGroupHandler,
  syncGroupHandler,
  describeGroupsHandler,
  listGroupsHandler,
  apiVersionsHandler(advertised),
  createTopicsHandler,
  deleteTopicsHandler,
  deleteRecordsHandler,
  initProducerIdHandler,
  addPartitionsToTxnHandler,
  addOffsetsToTxnHandler,
  endTxnHandler,
  txnOffsetCommitHandler,
  describeAclsHandler,
  createAclsHandler,
  deleteAclsHandler,
  describeConfigsHandler,
  alterConfigsHandler,
  describeLogDirsHandler,
  createPartitionsHandler,
  deleteGroupsHandler,
  electLeadersHandler,
  incrementalAlterConfigsHandler,
  listPartitionReassignmentsHandler,
  offsetDeleteHandler,
  describeClusterHandler,
  describeProducersHandler,
  describeTransactionsHandler,
  listTransactionsHandler,
  describeTopicPartitionsHandler,
] as ApiHandler[]) {
  handlers.set(handler.api.key, handler)
}

export const HANDLERS: ReadonlyMap<number, ApiHandler> = handlers
