import {Flags} from '@oclif/core'
import {Admin} from '../src/client/admin.js'
import {KbusCommand} from '../src/cli/base-command.js'
import {openCluster} from '../src/cli/client-session.js'
import {CliError, UsageError} from '../src/cli/errors.js'
import {type OffsetToDeleteBefore, readOffsetJsonFile} from '../src/cli/offset-json-file.js'
import {ErrorCode, KafkaError} from '../src/protocol/errors.js'

export interface DeleteRecordsJson {
  topic: string
  partition: number
  lowWatermark: number | null
  error: string | null
}

export default class DeleteRecords extends KbusCommand {
  static override summary = 'Delete the records before an offset in partitions (kafka-delete-records)'
  static override description =
    'Moves each partition\'s log start offset forward: records before --offset are gone for every reader, and whole segments ' +
    'below it are deleted. --offset -1 means up to the end of the partition (the high watermark). Only topics whose ' +
    'cleanup.policy includes delete allow it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --offset-json-file offsets.json',
    '<%= config.bin %> <%= command.id %> --topic orders --partition 0 --offset 42',
    '<%= config.bin %> <%= command.id %> --topic orders --offset -1',
  ]

  static override enableJsonFlag = true

  static override flags = {
    'offset-json-file': Flags.string({
      summary: 'Kafka\'s JSON file: {"partitions": [{"topic": "foo", "partition": 1, "offset": 1}], "version": 1}.',
    }),
    topic: Flags.string({char: 't', summary: 'The topic (instead of a JSON file).'}),
    partition: Flags.integer({summary: 'The partition (with --topic; default: every partition).', min: 0}),
    offset: Flags.integer({summary: 'Delete the records before this offset; -1 for all of them (with --topic).', min: -1}),
  }

  async run(): Promise<DeleteRecordsJson[]> {
    const {flags} = await this.parse(DeleteRecords)
    const fromFile = flags['offset-json-file'] !== undefined
    if (fromFile === (flags.topic !== undefined))
      throw new UsageError('Pass either --offset-json-file, or --topic with --offset (and optionally --partition).')
    if (fromFile && (flags.partition !== undefined || flags.offset !== undefined))
      throw new UsageError('--partition and --offset go with --topic, not with --offset-json-file.')
    if (!fromFile && flags.offset === undefined) throw new UsageError('--topic needs --offset: the records before it are deleted.')
    const fileEntries = fromFile ? await readOffsetJsonFile(flags['offset-json-file']!) : undefined

    const cluster = openCluster(await this.brokerTarget(flags), {clientId: 'kbus-admin', version: this.config.version})
    try {
      const admin = new Admin(cluster)
      const entries = fileEntries ?? (await topicEntries(admin, flags.topic!, flags.partition, flags.offset!))
      this.log('Executing records delete operation')
      const results = await admin.deleteRecords(entries)
      this.log('Records delete operation completed:')
      for (const result of results) {
        const name = `${result.topic}-${result.partition}`
        this.log(result.error ? `partition: ${name}\terror: ${result.error.message}` : `partition: ${name}\tlow_watermark: ${result.lowWatermark}`)
      }
      const failed = results.filter((result) => result.error)
      // Kafka exits 0 even then; a script deserves to know that some partitions kept their records.
      if (failed.length > 0 && this.jsonEnabled()) process.exitCode = 1
      else if (failed.length > 0)
        throw new CliError(`Deleting records failed for ${failed.length} of ${results.length} partition(s).`, {
          hint: failed[0].error?.code === ErrorCode.OFFSET_OUT_OF_RANGE ? 'The offset must lie between the log start and the high watermark (see `kbus get-offsets`).' : undefined,
        })
      return results.map((result) => ({
        topic: result.topic,
        partition: result.partition,
        lowWatermark: result.error ? null : result.lowWatermark,
        error: result.error?.message ?? null,
      }))
    } finally {
      await cluster.close()
    }
  }
}

/** `--topic t [--partition p] --offset o`: one partition, or every partition of the topic. */
async function topicEntries(admin: Admin, topic: string, partition: number | undefined, offset: number): Promise<OffsetToDeleteBefore[]> {
  if (partition !== undefined) return [{topic, partition, offset}]
  const [described] = await admin.describeTopics([topic])
  if (!described || described.error?.code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)
    throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic '${topic}' does not exist.`)
  if (described.error) throw described.error
  return described.partitions.map((p) => ({topic, partition: p.partition, offset}))
}
