/**
 * DescribeConfigs (32), v1-4: topic configs with their sources (override, broker setting,
 * Kafka default) — what `kafka-topics --describe` prints as Configs — and the broker's settings.
 */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import {DescribeConfigs} from '../../protocol/messages/32-describe-configs.js'
import {describeBrokerConfigs, describeGroupConfigs, describeTopicConfigs, ResourceType} from '../config-resources.js'
import {defineHandler} from '../handler.js'

export const describeConfigsHandler = defineHandler({
  api: DescribeConfigs,
  async handle(request, ctx) {
    const {broker} = ctx
    const results = request.resources.map(({resourceType, resourceName, configurationKeys}) => {
      try {
        const configs =
          resourceType === ResourceType.Topic
            ? describeTopicConfigs(broker, resourceName, configurationKeys, request.includeSynonyms)
            : resourceType === ResourceType.Broker
              ? describeBrokerConfigs(broker.config, broker.dynamicConfigs, resourceName, configurationKeys, request.includeSynonyms)
              : resourceType === ResourceType.Group
                ? describeGroupConfigs(broker.groupConfigs, resourceName, configurationKeys, request.includeSynonyms)
                : unsupported(resourceType)
        return {errorCode: ErrorCode.NONE, errorMessage: null, resourceType, resourceName, configs}
      } catch (error) {
        const errorCode = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
        return {errorCode, errorMessage: (error as Error).message, resourceType, resourceName, configs: []}
      }
    })
    return {throttleTimeMs: 0, results}
  },
})

function unsupported(resourceType: number): never {
  throw new KafkaError(ErrorCode.INVALID_REQUEST, `kbus does not describe configs of resource type ${resourceType}`)
}
