import {Flags} from '@oclif/core'
import {KbusBaseCommand} from '../src/cli/base-command.js'
import {CliError} from '../src/cli/errors.js'
import {dumpFiles} from '../src/cli/log-dump.js'
import {printLine, printNote} from '../src/cli/output.js'

export default class DumpLog extends KbusBaseCommand {
  static override summary = "Print a log segment's batches and records, and check its indexes (kafka-dump-log)"
  static override description =
    'Reads segment files directly (no broker needed): .log files list their batches, and every record with ' +
    '--deep-iteration or --print-data-log; .index and .timeindex files list their entries and check each against the ' +
    'batch it points at in the .log beside them. Problems are reported on stderr after the dump, and make the exit code 1.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --files ~/.kbus/data/orders-0/00000000000000000000.log',
    '<%= config.bin %> <%= command.id %> --files ~/.kbus/data/orders-0/00000000000000000000.log --print-data-log',
    '<%= config.bin %> <%= command.id %> --files 00000000000000000000.index,00000000000000000000.timeindex --verify-index-only',
  ]

  static override flags = {
    files: Flags.string({summary: 'Comma-separated .log, .index and .timeindex files to dump.', required: true}),
    'print-data-log': Flags.boolean({summary: 'Print every record with its key and payload (implies --deep-iteration).'}),
    'deep-iteration': Flags.boolean({summary: 'Print every record, not only each batch.'}),
    'verify-index-only': Flags.boolean({summary: 'Check index entries against the log without printing them.'}),
    'skip-record-metadata': Flags.boolean({summary: 'Print only key and payload on record lines.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(DumpLog)
    const files = flags.files
      .split(',')
      .map((file) => file.trim())
      .filter((file) => file !== '')
    const sound = await dumpFiles(
      files,
      {
        deep: flags['deep-iteration'] || flags['print-data-log'],
        printData: flags['print-data-log'],
        skipMetadata: flags['skip-record-metadata'],
        verifyOnly: flags['verify-index-only'],
      },
      {line: printLine, problem: printNote},
    )
    if (!sound) throw new CliError('The dump found damaged batches or index entries that do not match the log (see above).')
  }
}
