/**
 * DeleteTopics (20), v1-6. Up to v5 topics are named; v6 names them or gives their ids.
 */
import {ErrorCode, KafkaError, errorMessage} from '../../protocol/errors.js'
import {DeleteTopics} from '../../protocol/messages/20-delete-topics.js'
import {defineHandler} from '../handler.js'
import {uuidBytes, uuidText, ZERO_UUID} from '../uuid.js'

export const deleteTopicsHandler = defineHandler({
  api: DeleteTopics,
  async handle(request, ctx) {
    const {broker} = ctx
    const wanted = ctx.version >= 6 ? request.topics : request.topicNames.map((name) => ({name, topicId: ZERO_UUID}))
    const responses = []
    for (const {name, topicId} of wanted) {
      const topic = name !== null ? broker.topics.get(name) : broker.topics.getById(uuidText(topicId))
      if (!topic) {
        const errorCode = name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID
        responses.push({name, topicId, errorCode, errorMessage: errorMessage(errorCode)})
        continue
      }
      try {
        if (topic.isInternal) throw new KafkaError(ErrorCode.TOPIC_AUTHORIZATION_FAILED, `Topic ${topic.name} is internal and cannot be deleted.`)
        await broker.topics.delete(topic.name)
        responses.push({name: topic.name, topicId: uuidBytes(topic.id), errorCode: ErrorCode.NONE, errorMessage: null})
      } catch (error) {
        const errorCode = error instanceof KafkaError ? error.code : ErrorCode.UNKNOWN_SERVER_ERROR
        responses.push({name: topic.name, topicId: uuidBytes(topic.id), errorCode, errorMessage: (error as Error).message})
      }
    }
    return {throttleTimeMs: 0, responses}
  },
})
