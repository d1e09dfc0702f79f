/**
 * The registry of every API kbus speaks: key → definition. The broker finds an incoming
 * request's schema here and builds its ApiVersions answer from it; the client picks versions
 * against it.
 */
import {Produce} from './messages/00-produce.js'
import {Fetch} from './messages/01-fetch.js'
import {ListOffsets} from './messages/02-list-offsets.js'
import {Metadata} from './messages/03-metadata.js'
import {OffsetCommit} from './messages/08-offset-commit.js'
import {OffsetFetch} from './messages/09-offset-fetch.js'
import {FindCoordinator} from './messages/10-find-coordinator.js'
import {JoinGroup} from './messages/11-join-group.js'
import {Heartbeat} from './messages/12-heartbeat.js'
import {LeaveGroup} from './messages/13-leave-group.js'
import {SyncGroup} from './messages/14-sync-group.js'
import {DescribeGroups} from './messages/15-describe-groups.js'
import {ListGroups} from './messages/16-list-groups.js'
import {ApiVersions} from './messages/18-api-versions.js'
import {CreateTopics} from './messages/19-create-topics.js'
import {DeleteTopics} from './messages/20-delete-topics.js'
import {DeleteRecords} from './messages/21-delete-records.js'
import {InitProducerId} from './messages/22-init-producer-id.js'
import {AddPartitionsToTxn} from './messages/24-add-partitions-to-txn.js'
import {AddOffsetsToTxn} from './messages/25-add-offsets-to-txn.js'
import {EndTxn} from './messages/26-end-txn.js'
import {TxnOffsetCommit} from './messages/28-txn-offset-commit.js'
import {DescribeAcls} from './messages/29-describe-acls.js'
import {CreateAcls} from './messages/30-create-acls.js'
import {DeleteAcls} from './messages/31-delete-acls.js'
import {DescribeConfigs} from './messages/32-describe-configs.js'
import {AlterConfigs} from './messages/33-alter-configs.js'
import {DescribeLogDirs} from './messages/35-describe-log-dirs.js'
import {CreatePartitions} from './messages/37-create-partitions.js'
import {DeleteGroups} from './messages/42-delete-groups.js'
import {ElectLeaders} from './messages/43-elect-leaders.js'
import {IncrementalAlterConfigs} from './messages/44-incremental-alter-configs.js'
import {ListPartitionReassignments} from './messages/46-list-partition-reassignments.js'
import {OffsetDelete} from './messages/47-offset-delete.js'
import {DescribeCluster} from './messages/60-describe-cluster.js'
import {DescribeProducers} from './messages/61-describe-producers.js'
import {DescribeTransactions} from './messages/65-describe-transactions.js'
import {ListTransactions} from './messages/66-list-transactions.js'
import {DescribeTopicPartitions} from './messages/75-describe-topic-partitions.js'
import type {ApiDefinition} from './schema.js'

/** Kafka's API keys, by name. */
export const ApiKey = {
  Produce: 0,
  Fetch: 1,
  ListOffsets: 2,
  Metadata: 3,
  OffsetCommit: 8,
  OffsetFetch: 9,
  FindCoordinator: 10,
  JoinGroup: 11,
  Heartbeat: 12,
  LeaveGroup: 13,
  SyncGroup: 14,
  DescribeGroups: 15,
  ListGroups: 16,
  ApiVersions: 18,
  CreateTopics: 19,
  DeleteTopics: 20,
  DeleteRecords: 21,
  InitProducerId: 22,
  AddPartitionsToTxn: 24,
  AddOffsetsToTxn: 25,
  EndTxn: 26,
  TxnOffsetCommit: 28,
  DescribeAcls: 29,
  CreateAcls: 30,
  DeleteAcls: 31,
  DescribeConfigs: 32,
  AlterConfigs: 33,
  DescribeLogDirs: 35,
  CreatePartitions: 37,
  DeleteGroups: 42,
  ElectLeaders: 43,
  IncrementalAlterConfigs: 44,
  ListPartitionReassignments: 46,
  OffsetDelete: 47,
  DescribeCluster: 60,
  DescribeProducers: 61,
  DescribeTransactions: 65,
  ListTransactions: 66,
  DescribeTopicPartitions: 75,
} as const

export const APIS: readonly ApiDefinition[] = [
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  AddPartitionsToTxn,
  AddOffsetsToTxn,
  EndTxn,
  TxnOffsetCommit,
  DescribeAcls,
  CreateAcls,
  DeleteAcls,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  CreatePartitions,
  DeleteGroups,
  ElectLeaders,
  IncrementalAlterConfigs,
  ListPartitionReassignments,
  OffsetDelete,
  DescribeCluster,
  DescribeProducers,
  DescribeTransactions,
  ListTransactions,
  DescribeTopicPartitions,
]

const BY_KEY = new Map<number, ApiDefinition>(APIS.map((api) => [api.key, api]))

export function apiByKey(key: number): ApiDefinition | undefined {
  return BY_KEY.get(key)
}

export {
  Produce,
  Fetch,
  ListOffsets,
  Metadata,
  OffsetCommit,
  OffsetFetch,
  FindCoordinator,
  JoinGroup,
  Heartbeat,
  LeaveGroup,
  SyncGroup,
  DescribeGroups,
  ListGroups,
  ApiVersions,
  CreateTopics,
  DeleteTopics,
  DeleteRecords,
  InitProducerId,
  AddPartitionsToTxn,
  AddOffsetsToTxn,
  EndTxn,
  TxnOffsetCommit,
  DescribeAcls,
  CreateAcls,
  DeleteAcls,
  DescribeConfigs,
  AlterConfigs,
  DescribeLogDirs,
  CreatePartitions,
  DeleteGroups,
  ElectLeaders,
  IncrementalAlterConfigs,
  ListPartitionReassignments,
  OffsetDelete,
  DescribeCluster,
  DescribeProducers,
  DescribeTransactions,
  ListTransactions,
  DescribeTopicPartitions,
}
