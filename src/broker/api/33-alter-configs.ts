/** AlterConfigs (33), v0-2, the legacy form kafkajs uses: the given set replaces all overrides. */
import {AlterConfigs} from '../../protocol/messages/33-alter-configs.js'
import {defineHandler} from '../handler.js'
import {invalidConfig} from '../errors.js'
import {alterResource} from './alter-configs.js'

export const alterConfigsHandler = defineHandler({
  api: AlterConfigs,
  async handle(request, ctx) {
    const responses = []
    for (const resource of request.resources) {
      responses.push(
        await alterResource(ctx.broker, resource, () => {
          const configs: Record<string, string> = {}
          for (const {name, value} of resource.configs) {
            if (value === null) throw invalidConfig(`Null value not supported for : ${name}`)
            configs[name] = value
          }
          return configs
        }, request.validateOnly),
      )
    }
    return {throttleTimeMs: 0, responses}
  },
})
