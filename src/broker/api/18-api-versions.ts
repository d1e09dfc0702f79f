/**
 * ApiVersions (18), v0-4: the handshake every client starts with. Versions above 4 never reach
 * this handler: the broker answers them with the v0 UNSUPPORTED_VERSION body before decoding.
 */
import {ApiVersions} from '../../protocol/messages/18-api-versions.js'
import {ErrorCode} from '../../protocol/errors.js'
import {defineHandler} from '../handler.js'

export interface ApiRange {
  apiKey: number
  minVersion: number
  maxVersion: number
}

const SOFTWARE_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/

export function apiVersionsHandler(advertised: () => ApiRange[]) {
  return defineHandler({
    api: ApiVersions,
    async handle(request, ctx) {
      const apiKeys = advertised()
      if (
        ctx.version >= 3 &&
        !(SOFTWARE_NAME.test(request.clientSoftwareName) && SOFTWARE_NAME.test(request.clientSoftwareVersion))
      ) {
        return {errorCode: ErrorCode.INVALID_REQUEST, apiKeys, throttleTimeMs: 0}
      }
      return {errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0}
    },
  })
}
