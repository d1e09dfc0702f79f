/**
 * IncrementalAlterConfigs (44), v0-1, what kafka-configs --alter sends: SET, DELETE, and APPEND /
 * SUBTRACT on list configs (cleanup.policy), applied all or nothing per resource.
 */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {IncrementalAlterConfigs} from '../../protocol/messages/44-incremental-alter-configs.js'
import {defineHandler} from '../handler.js'
import {invalidConfig} from '../errors.js'
import {ResourceType} from '../config-resources.js'
import {resolveTopicConfig, topicConfigDef} from '../topic-configs.js'
import {alterResource} from './alter-configs.js'

const SET = 0
const DELETE = 1
const APPEND = 2
const SUBTRACT = 3

export const incrementalAlterConfigsHandler = defineHandler({
  api: IncrementalAlterConfigs,
  async handle(request, ctx) {
    const {broker} = ctx
    const responses = []
    for (const resource of request.resources) {
      responses.push(
        await alterResource(broker, resource, (current, resourceType) => {
          const next: Record<string, string> = {...current}
          for (const {name, configOperation, value} of resource.configs) {
            const topicDef = topicConfigDef(name)
            if (resourceType === ResourceType.Topic && !topicDef) throw invalidConfig(`Unknown topic config name: ${name}`)
            if (resourceType === ResourceType.Group && (configOperation === APPEND || configOperation === SUBTRACT))
              throw invalidConfig(`Config value append/subtract is not allowed for config key ${name}`)
            if (configOperation === DELETE) {
              delete next[name]
              continue
            }
            if (value === null) throw invalidConfig(`Null value not supported for : ${name}`)
            if (configOperation === SET) {
              next[name] = value
            } else if (configOperation === APPEND || configOperation === SUBTRACT) {
              if (topicDef?.type !== 'list')
                throw invalidConfig(`Config value append/subtract is not allowed for config key ${name}`)
              const listed = resolveTopicConfig(topicDef, next, broker.brokerSetting).value.split(',').map((v) => v.trim()).filter(Boolean)
              const items = value.split(',').map((v) => v.trim())
              const result = configOperation === APPEND
                ? [...listed, ...items.filter((item) => !listed.includes(item))]
                : listed.filter((item) => !items.includes(item))
              next[name] = result.join(',')
            } else {
              throw new KafkaError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${configOperation}`)
            }
          }
          return next
        }, request.validateOnly),
      )
    }
    return {throttleTimeMs: 0, responses}
  },
})
