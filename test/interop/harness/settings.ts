/** Where the suite keeps what it fetches, and the peer versions it pins. */
import {fileURLToPath} from 'node:url'

/** test/.cache (gitignored): fetched peers survive between local runs; CI starts without it. */
export const CACHE_DIR = fileURLToPath(new URL('../../.cache/', import.meta.url))

export const CONFLUENT_KAFKA_VERSION = '2.16.1'
export const KAFKA_JAVA_VERSION = '4.3.1'
