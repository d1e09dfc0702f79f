import {resolve} from 'node:path'
import {fileURLToPath} from 'node:url'
import {KbusBaseCommand} from '../../src/cli/base-command.js'
import {kbusPaths} from '../../src/config/paths.js'
import {brokerFlags} from './start.js'

export default class ServerService extends KbusBaseCommand {
  static override summary = 'Print a systemd unit that runs the kbus broker'
  static override description =
    'The unit runs `kbus server start` in the foreground with this KBUS_HOME and these flags; systemd stops it ' +
    'with SIGTERM, which flushes the logs. Save it and enable it, for example as a user service.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> > ~/.config/systemd/user/kbus.service && systemctl --user enable --now kbus',
    '<%= config.bin %> <%= command.id %> --port 19092 --override num.partitions=3',
  ]

  static override flags = {...brokerFlags}

  async run(): Promise<void> {
    const {flags} = await this.parse(ServerService)
    const paths = kbusPaths()
    const entry = fileURLToPath(new URL('../../../bin/run.js', import.meta.url))
    const command = [process.execPath, entry, 'server', 'start']
    if (flags.port !== undefined) command.push('--port', String(flags.port))
    if (flags['data-dir'] !== undefined) command.push('--data-dir', resolve(flags['data-dir']))
    if (flags.config !== undefined) command.push('--config', resolve(flags.config))
    for (const override of flags.override ?? []) command.push('--override', override)

    this.log(
      [
        '[Unit]',
        `Description=kbus broker (KBUS_HOME=${paths.home})`,
        'After=network.target',
        '',
        '[Service]',
        'Type=simple',
        `Environment=${systemdQuote(`KBUS_HOME=${paths.home}`)}`,
        `ExecStart=${command.map(systemdQuote).join(' ')}`,
        'KillSignal=SIGTERM',
        'TimeoutStopSec=30',
        'Restart=on-failure',
        '',
        '[Install]',
        'WantedBy=default.target',
      ].join('\n'),
    )
  }
}

/** Quotes one word for a unit file: systemd expands `%` specifiers and `$` variables itself. */
function systemdQuote(word: string): string {
  const escaped = word.replaceAll('%', '%%').replaceAll('$', '$$$$')
  return /^[\w@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`
}
