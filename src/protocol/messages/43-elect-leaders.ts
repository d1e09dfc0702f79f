/**
 * ElectLeaders (API key 43): kbus speaks v0-2, flexible from v2.
 * Fields from Kafka's ElectLeadersRequest.json / ElectLeadersResponse.json.
 */
import {array, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const ElectLeaders = defineApi({
  key: 43,
  name: 'ElectLeaders',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 2,
  request: struct({
    /** 0: preferred, 1: unclean; v0 asks for preferred. */
    electionType: int8({v: '1+'}),
    /** Null: every partition. */
    topicPartitions: array(struct({
      topic: string(),
      partitions: array(int32()),
    }), {nullable: '0+'}),
    timeoutMs: int32({default: 60_000}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16({v: '1+'}),
    replicaElectionResults: array(struct({
      topic: string(),
      partitionResult: array(struct({
        partitionId: int32(),
        errorCode: int16(),
        errorMessage: string({nullable: '0+'}),
      })),
    })),
  }),
})

export type ElectLeadersRequest = RequestOf<typeof ElectLeaders>
export type ElectLeadersResponse = ResponseOf<typeof ElectLeaders>
