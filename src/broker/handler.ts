/**
 * What every API handler sees and returns. A handler is `handle(request) → response` with no
 * knowledge of sockets or bytes: the broker decodes the request and encodes the answer.
 */
import type {ApiDefinition, Input, RequestOf, ResponseOf} from '../protocol/schema.js'
import type {BrokerCore} from './broker-core.js'

/** Who sent a request, as the transport describes the connection (the broker never sees sockets). */
export interface ConnectionInfo {
  id: number
  listener: 'tcp' | 'unix'
  remoteAddress: string
}

export interface RequestContext {
  version: number
  clientId: string | null
  conn: ConnectionInfo
  broker: BrokerCore
  /** Aborted when the connection closes or the broker stops: long waits end early. */
  signal: AbortSignal
}

export interface ApiHandler<A extends ApiDefinition = ApiDefinition> {
  api: A
  /** Lowest version kbus answers when it advertises more (Produce: advertised from 0, served from 3). */
  minServedVersion?: number
  /**
   * Once `handle` has resolved, nothing it left behind views the request's bytes (everything kept
   * was copied or already written), so the frame's memory may carry the next request.
   */
  releasesRequestBytes?: boolean
  /** Returns the response, or null when Kafka sends none (Produce with acks=0). */
  handle(request: RequestOf<A>, ctx: RequestContext): Promise<Input<ResponseOf<A>> | null>
}

export function defineHandler<A extends ApiDefinition>(handler: ApiHandler<A>): ApiHandler<A> {
  return handler
}
