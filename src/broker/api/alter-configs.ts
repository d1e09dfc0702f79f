/** What AlterConfigs and IncrementalAlterConfigs share: apply a new override set per resource. */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import type {BrokerCore} from '../broker-core.js'
import {brokerConfigsAreStatic, ResourceType} from '../config-resources.js'

export async function alterResource(
  broker: BrokerCore,
  resource: {resourceType: number; resourceName: string},
  nextConfigs: (current: Readonly<Record<string, string>>) => Record<string, string>,
  validateOnly: boolean,
) {
  const {resourceType, resourceName} = resource
  try {
    if (resourceType === ResourceType.Broker) throw brokerConfigsAreStatic()
    if (resourceType !== ResourceType.Topic)
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `kbus does not alter configs of resource type ${resourceType}`)
    const topic = broker.topics.get(resourceName)
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`)
    await broker.topics.setConfigs(resourceName, nextConfigs(topic.record.configs), validateOnly)
    return {errorCode: ErrorCode.NONE, errorMessage: null, resourceType, resourceName}
  } catch (error) {
    const errorCode = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
    return {errorCode, errorMessage: (error as Error).message, resourceType, resourceName}
  }
}
