/**
 * One client connection: cuts the byte stream into size-prefixed frames, hands each to the
 * request handler, and writes the answers back in request order. It knows nothing of any Kafka
 * API: a frame is opaque bytes here.
 */
export interface ConnectionInfo {
  id: number
  listener: 'tcp' | 'unix'
  remoteAddress: string
}

export interface RequestHandler {
  /**
   * Answers one request frame (without its size prefix). The response must include its own size
   * prefix; `null` means the request gets no answer (Produce with acks=0). Throwing an error
   * carrying `closeConnection: true` closes the connection instead of answering.
   */
  handle(frame: Buffer, conn: ConnectionInfo): Promise<Buffer | Buffer[] | null>
  connectionClosed?(conn: ConnectionInfo): void
}
