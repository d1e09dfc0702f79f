/** Where the suite keeps what it fetches, and the peer versions it pins. */
import {fileURLToPath} from 'node:url'

/** test/.cache (gitignored): fetched peers survive between local runs; CI starts without it. */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/', import.meta.url))

export const CONFLUENT_KAFKA_VERSION = '2.16.1'
/** Pinned where the Maven step is, which the benchmark shares. */
export {KAFKA_JAVA_VERSION} from './kafka-jars.mjs'
/** Pinned in node22.mjs, which .ci/run also calls to get the Node 22 it runs kbus's suite under. */
export {NODE22_VERSION, PLATFORMATIC_KAFKA_VERSION} from '../node22.mjs'
