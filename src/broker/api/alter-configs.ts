/**
 * What AlterConfigs and IncrementalAlterConfigs share: compute a resource's new set of values
 * from its current one, then apply it all or nothing — a topic's overrides, or this broker's
 * (or the cluster default's) dynamic settings, which every topic then inherits at once.
 */
import {ErrorCode, KafkaError} from '../../protocol/errors.js'
import type {BrokerCore} from '../broker-core.js'
import {brokerScope, ResourceType} from '../config-resources.js'

export type NextConfigs = (
  current: Readonly<Record<string, string>>,
  resourceType: ResourceType,
) => Record<string, string>

export async function alterResource(
  broker: BrokerCore,
  resource: {resourceType: number; resourceName: string},
  nextConfigs: NextConfigs,
  validateOnly: boolean,
) {
  const {resourceType, resourceName} = resource
  try {
    if (resourceType === ResourceType.Broker) {
      const scope = brokerScope(broker.config, resourceName)
      const next = nextConfigs(broker.dynamicConfigs.entries(scope), ResourceType.Broker)
      await broker.dynamicConfigs.replace(scope, next, validateOnly)
      if (!validateOnly) broker.topics.refreshSettings()
    } else if (resourceType === ResourceType.Topic) {
      const topic = broker.topics.get(resourceName)
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${resourceName}' does not exist.`)
      await broker.topics.setConfigs(resourceName, nextConfigs(topic.record.configs, ResourceType.Topic), validateOnly)
    } else if (resourceType === ResourceType.Group) {
      const next = nextConfigs(broker.groupConfigs.overrides(resourceName), ResourceType.Group)
      await broker.groupConfigs.replace(resourceName, next, validateOnly)
    } else {
      throw new KafkaError(ErrorCode.INVALID_REQUEST, `kbus does not alter configs of resource type ${resourceType}`)
    }
    return {errorCode: ErrorCode.NONE, errorMessage: null, resourceType, resourceName}
  } catch (error) {
    const errorCode = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
    return {errorCode, errorMessage: (error as Error).message, resourceType, resourceName}
  }
}
