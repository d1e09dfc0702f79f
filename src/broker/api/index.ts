/** The APIs kbus serves, by key: this table is the broker's protocol coverage. */
import type {ApiHandler} from '../handler.js'
import {produceHandler} from './00-produce.js'
import {fetchHandler} from './01-fetch.js'
import {listOffsetsHandler} from './02-list-offsets.js'
import {metadataHandler} from './03-metadata.js'
import {type ApiRange, apiVersionsHandler} from './18-api-versions.js'
import {createTopicsHandler} from './19-create-topics.js'
import {deleteTopicsHandler} from './20-delete-topics.js'
import {initProducerIdHandler} from './22-init-producer-id.js'

const handlers = new Map<number, ApiHandler>()

function advertised(): ApiRange[] {
  return [...handlers.values()].map(({api}) => ({apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion}))
}

for (const handler of [
  produceHandler,
  fetchHandler,
  listOffsetsHandler,
  metadataHandler,
  apiVersionsHandler(advertised),
  createTopicsHandler,
  deleteTopicsHandler,
  initProducerIdHandler,
] as ApiHandler[]) {
  handlers.set(handler.api.key, handler)
}

export const HANDLERS: ReadonlyMap<number, ApiHandler> = handlers
