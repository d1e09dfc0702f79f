/**
 * DescribeAcls (29), v1-3: kbus has no authorizer, so like a Kafka broker without one it answers
 * SECURITY_DISABLED with Kafka's own message, which kafka-acls --list prints.
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DescribeAcls} from '../../protocol/messages/29-describe-acls.js'
import {defineHandler} from '../handler.js'

export const describeAclsHandler = defineHandler({
  api: DescribeAcls,
  async handle() {
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.SECURITY_DISABLED,
      errorMessage: 'No Authorizer is configured on the broker',
      resources: [],
    }
  },
})
