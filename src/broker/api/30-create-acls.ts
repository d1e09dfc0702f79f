/**
 * CreateAcls (30), v1-3: kbus has no authorizer, so every creation fails with SECURITY_DISABLED
 * and the message a Kafka broker without one gives (kafka-acls --add).
 */
import {ErrorCode} from '../../protocol/errors.js'
import {CreateAcls} from '../../protocol/messages/30-create-acls.js'
import {defineHandler} from '../handler.js'

export const createAclsHandler = defineHandler({
  api: CreateAcls,
  async handle(request) {
    const refused = {errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.'}
    return {throttleTimeMs: 0, results: request.creations.map(() => refused)}
  },
})
