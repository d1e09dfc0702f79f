/**
 * DescribeCluster (60), v0-2: one broker, which is also the controller. kbus has no separate
 * controller endpoints, so asking for them gets MISMATCHED_ENDPOINT_TYPE as from a Kafka broker.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeCluster} from '../../protocol/messages/60-describe-cluster.js'
import {defineHandler} from '../handler.js'

const BROKERS = 1
const CONTROLLERS = 2

export const describeClusterHandler = defineHandler({
  api: DescribeCluster,
  async handle(request, ctx) {
    const {broker} = ctx
    const base = {throttleTimeMs: 0, endpointType: request.endpointType, clusterId: broker.clusterId, controllerId: broker.nodeId}
    if (request.endpointType !== BROKERS) {
      const errorCode = request.endpointType === CONTROLLERS ? ErrorCode.MISMATCHED_ENDPOINT_TYPE : ErrorCode.UNSUPPORTED_ENDPOINT_TYPE
      return {...base, errorCode, errorMessage: 'kbus answers for its brokers only', brokers: []}
    }
    return {
      ...base,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      brokers: [{brokerId: broker.nodeId, host: broker.advertised.host, port: broker.advertised.port, rack: null, isFenced: false}],
    }
  },
})
