import {Flags} from '@oclif/core'
import {Admin, type ConfigChange, type ConfigResource} from '../../src/client/admin.js'
import {KbusCommand} from '../../src/cli/base-command.js'
import {openCluster} from '../../src/cli/client-session.js'
import {checkedConfigFile, entityFlags, parseAddConfig, parseDeleteConfig, resolveEntity, resourceTypeOf} from '../../src/cli/config-args.js'
import {alterCompletedLine, dynamicSource} from '../../src/cli/config-render.js'
import {CliError, UsageError} from '../../src/cli/errors.js'
import {readPropertiesFile} from '../../src/config/properties.js'

export interface AlterConfigsResult {
  entityType: string
  entityName: string | null
  set: Record<string, string>
  deleted: string[]
}

export default class ConfigsAlter extends KbusCommand {
  static override summary = 'Set or remove config overrides of a topic or broker (kafka-configs --alter)'
  static override description =
    'Changes apply at once and survive restarts. All changes of one command are validated together: one bad value and nothing changes. ' +
    'Brokers (--broker 1, or --broker-defaults for the cluster default) accept the settings Kafka can change at run time, ' +
    'such as log.retention.ms; the others are read at start only (server.properties or --override).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --topic orders --add-config retention.ms=60000,segment.bytes=1048576',
    "<%= config.bin %> <%= command.id %> --entity-type topics --entity-name orders --add-config 'cleanup.policy=[compact,delete]'",
    '<%= config.bin %> <%= command.id %> --topic orders --delete-config retention.ms,segment.bytes',
    '<%= config.bin %> <%= command.id %> --broker-defaults --add-config log.retention.ms=86400000',
  ]

  static override enableJsonFlag = true

  static override flags = {
    ...entityFlags,
    'add-config': Flags.string({
      summary: "Configs to set: 'k1=v1,k2=[v1,v2],k3=v3' (square brackets group a value that contains commas).",
    }),
    'add-config-file': Flags.string({summary: 'A properties file of configs to set.'}),
    'delete-config': Flags.string({summary: "Config overrides to remove: 'k1,k2' (repeatable).", multiple: true}),
  }

  async run(): Promise<AlterConfigsResult> {
    const {flags} = await this.parse(ConfigsAlter)
    const entity = resolveEntity(flags, 'alter')
    if (flags['add-config'] !== undefined && flags['add-config-file'] !== undefined)
      throw new UsageError('Only one of --add-config or --add-config-file must be specified')
    if (flags['add-config'] === undefined && flags['add-config-file'] === undefined && flags['delete-config'] === undefined)
      throw new UsageError('At least one of --add-config, --add-config-file, or --delete-config must be specified with --alter')
    const additions =
      flags['add-config-file'] !== undefined
        ? checkedConfigFile(await readPropertiesFile(flags['add-config-file'], 'config file'))
        : flags['add-config'] !== undefined
          ? parseAddConfig(flags['add-config'])
          : new Map<string, string>()
    const deletions = parseDeleteConfig(flags['delete-config'])
    const name = entity.name ?? ''
    const resource: ConfigResource = {type: resourceTypeOf(entity.type), name}

    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-configs', version: this.config.version})
    try {
      const admin = new Admin(cluster)
      if (entity.type === 'topics' && deletions.length > 0) {
        // As kafka-configs does: removing an override that is not set is a mistake worth reporting.
        const [current] = await admin.describeConfigs([resource])
        if (current.error) throw current.error
        const overridden = new Set(current.entries.filter((entry) => entry.source === dynamicSource('topics', name)).map((entry) => entry.name))
        const invalid = deletions.filter((config) => !overridden.has(config))
        if (invalid.length > 0) throw new CliError(`Invalid config(s): ${invalid.join(',')}`)
      }
      const changes: ConfigChange[] = [
        ...deletions.map((config): ConfigChange => ({name: config, operation: 'delete'})),
        ...[...additions].map(([config, value]): ConfigChange => ({name: config, operation: 'set', value})),
      ]
      await admin.alterConfigs(resource, changes)
      this.log(alterCompletedLine(entity))
      return {entityType: entity.type, entityName: entity.name || null, set: Object.fromEntries(additions), deleted: deletions}
    } finally {
      await cluster.close()
    }
  }
}
