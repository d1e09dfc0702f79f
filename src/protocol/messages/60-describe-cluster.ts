/**
 * DescribeCluster (API key 60): kbus speaks v0-2, flexible from v0.
 * Fields from Kafka's DescribeClusterRequest.json / DescribeClusterResponse.json.
 */
import {array, bool, defineApi, int16, int32, int8, type RequestOf, type ResponseOf, string, struct} from '../schema.js'

export const DescribeCluster = defineApi({
  key: 60,
  name: 'DescribeCluster',
  minVersion: 0,
  maxVersion: 2,
  flexibleFrom: 0,
  request: struct({
    includeClusterAuthorizedOperations: bool(),
    endpointType: int8({v: '1+', default: 1}),
    includeFencedBrokers: bool({v: '2+'}),
  }),
  response: struct({
    throttleTimeMs: int32(),
    errorCode: int16(),
    errorMessage: string({nullable: '0+'}),
    endpointType: int8({v: '1+', default: 1}),
    clusterId: string(),
    controllerId: int32({default: -1}),
    brokers: array(struct({
      brokerId: int32(),
      host: string(),
      port: int32(),
      rack: string({nullable: '0+'}),
      isFenced: bool({v: '2+'}),
    })),
    clusterAuthorizedOperations: int32({default: -2147483648}),
  }),
})

export type DescribeClusterRequest = RequestOf<typeof DescribeCluster>
export type DescribeClusterResponse = ResponseOf<typeof DescribeCluster>
