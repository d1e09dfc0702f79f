/**
 * DeleteAcls (31), v1-3: kbus has no authorizer, so every filter fails with SECURITY_DISABLED and
 * the message a Kafka broker without one gives (kafka-acls --remove).
 */
import {ErrorCode} from '../../protocol/errors.js'
import {DeleteAcls} from '../../protocol/messages/31-delete-acls.js'
import {defineHandler} from '../handler.js'

export const deleteAclsHandler = defineHandler({
  api: DeleteAcls,
  async handle(request) {
    const refused = {errorCode: ErrorCode.SECURITY_DISABLED, errorMessage: 'No Authorizer is configured.', matchingAcls: []}
    return {throttleTimeMs: 0, filterResults: request.filters.map(() => refused)}
  },
})
