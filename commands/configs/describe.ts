import {Flags} from '@oclif/core'
import {Admin, type ConfigResource} from '../../src/client/admin.js'
import type {Cluster} from '../../src/client/cluster.js'
import {GroupAdmin} from '../../src/client/group-admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {type ConfigEntity, entityFlags, resolveEntity, resourceTypeOf} from '../../src/cli/config-args.js'
import {describeLines, type EntityConfigsJson, entityConfigsJson, singular} from '../../src/cli/config-render.js'
import {CliError} from '../../src/cli/errors.js'

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
      const names = await entityNames(cluster, admin, entity, flags.all)
      const resources = names.map((name): ConfigResource => ({type: resourceTypeOf(entity.type), name}))
      const described = await admin.describeConfigs(resources, {includeSynonyms: true})
      const failed = described.find((result) => result.error)
      if (failed?.error) throw failed.error
      for (const result of described)
        for (const line of describeLines(entity.type, result.resource.name, result.entries, flags.all)) this.log(line)
      return described.map((result) => entityConfigsJson(entity.type, result.resource.name, result.entries, flags.all))
    } finally {
      await cluster.close()
    }
  }
}

/** The entities to describe: the one named (if it exists), or every one of the type. */
async function entityNames(cluster: Cluster, admin: Admin, entity: ConfigEntity, all: boolean): Promise<string[]> {
  const missing = (name: string) => new CliError(`The ${singular(entity.type)} '${name}' doesn't exist and doesn't have dynamic config.`)
  if (entity.type === 'topics') {
    if (entity.name === null) return admin.listTopics({includeInternal: true})
    // Kafka checks existence only without --all; with it, the broker's own error speaks.
    if (!all && !(await admin.listTopics({includeInternal: true})).includes(entity.name)) throw missing(entity.name)
    return [entity.name]
  }
  if (entity.type === 'groups') {
    if (entity.name !== null) return [entity.name]
    return (await new GroupAdmin(cluster).listGroups()).map((group) => group.groupId).sort()
  }
  const brokers = (await admin.brokerIds()).map(String)
  if (entity.name === null) return [...brokers, '']
  if (entity.name !== '' && !brokers.includes(entity.name)) throw missing(entity.name)
  return [entity.name]
}
