import {Flags} from '@oclif/core'
import {Admin, type ConfigResource} from '../../src/client/admin.js'
import type {Cluster} from '../../src/client/cluster.js'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {type ConfigEntity, entityFlags, resolveEntity, resourceTypeOf} from '../../src/cli/config-args.js'
import {describeLines, type EntityConfigsJson, entityConfigsJson, singular} from '../../src/cli/config-render.js'
import {CliError} from '../../src/cli/errors.js'
import {ErrorCode} from '../../src/protocol/errors.js'

export default class ConfigsDescribe extends KbusCommand {
  static override summary = 'Show the dynamic (or, with --all, every) config of topics or brokers (kafka-configs --describe)'
  static override description =
    'Without a name, describes every topic (internal ones included) or every broker plus the cluster-wide broker defaults.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders',
    '<%= config.bin %> <%= command.id %> --entity-type topics --entity-name orders --all',
    '<%= config.bin %> <%= command.id %> --entity-type brokers --entity-name 1 --all',
    '<%= config.bin %> <%= command.id %> --entity-type topics --json',
  ]

  static override enableJsonFlag = true

  static override flags = {
    ...entityFlags,
    all: Flags.boolean({summary: 'List every config of the entity, including static settings and defaults.'}),
  }

  async run(): Promise<EntityConfigsJson[]> {
    const {flags} = await this.parse(ConfigsDescribe)
    const entity = resolveEntity(flags, 'describe')
    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-configs', version: this.config.version})
    try {
      const admin = new Admin(cluster)
      const names = await entityNames(cluster, admin, entity)
      const resources = names.map((name): ConfigResource => ({type: resourceTypeOf(entity.type), name}))
      const described = await admin.describeConfigs(resources, {includeSynonyms: true})
      const failed = described.find((result) => result.error)
      if (entity.type === 'topics' && entity.name !== null && failed?.error?.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
        throw missing(entity, entity.name)
      if (failed?.error) throw failed.error
      for (const result of described)
        for (const line of describeLines(entity.type, result.resource.name, result.entries, flags.all)) this.log(line)
      return described.map((result) => entityConfigsJson(entity.type, result.resource.name, result.entries, flags.all))
    } finally {
      await cluster.close()
    }
  }
}

/**
 * kafka-configs' sentence for a named entity that is not there. Kafka prints it and exits 0; kbus
 * fails with it (exit 1), with or without --all, so a script learns the name is wrong.
 */
function missing(entity: ConfigEntity, name: string): CliError {
  return new CliError(`The ${singular(entity.type)} '${name}' doesn't exist and doesn't have dynamic config.`, {
    hint: entity.type === 'topics' ? 'List the topics with `kbus topics --list`.' : 'List the brokers with `kbus configs --describe --entity-type brokers`.',
  })
}

/** The entities to describe: the one named (a missing topic is the broker's to report), or every one of the type. */
async function entityNames(cluster: Cluster, admin: Admin, entity: ConfigEntity): Promise<string[]> {
  if (entity.type === 'topics') return entity.name === null ? admin.listTopics({includeInternal: true}) : [entity.name]
  if (entity.type === 'groups') {
    if (entity.name !== null) return [entity.name]
    return (await new GroupAdmin(cluster).listGroups()).map((group) => group.groupId).sort()
  }
  const brokers = (await admin.brokerIds()).map(String)
  if (entity.name === null) return [...brokers, '']
  if (entity.name !== '' && !brokers.includes(entity.name)) throw missing(entity, entity.name)
  return [entity.name]
}
