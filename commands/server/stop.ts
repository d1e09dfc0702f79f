import {Flags} from '@oclif/core'
import {KbusBaseCommand} from '../../src/cli/base-command.js'
import {CliError} from '../../src/cli/errors.js'
import {printNote} from '../../src/cli/output.js'
import {kbusPaths} from '../../src/config/paths.js'
import {isKbusServer, isProcessAlive} from '../../src/daemon/process-check.js'
import {readRecord} from '../../src/daemon/state-file.js'

export default class ServerStop extends KbusBaseCommand {
  static override summary = 'Stop the kbus broker (kafka-server-stop)'
  static override description =
    'Sends SIGTERM to the broker of this KBUS_HOME and waits until it has flushed its logs and exited.'

  static override examples = ['<%= config.bin %> <%= command.id %>', 'KBUS_HOME=/tmp/ci-kbus <%= config.bin %> <%= command.id %> --timeout 60']

  static override flags = {
    timeout: Flags.integer({summary: 'Seconds to wait for a clean stop.', default: 30, min: 1}),
    force: Flags.boolean({summary: 'Kill the broker (SIGKILL) if it has not stopped by the timeout.'}),
  }

  async run(): Promise<void> {
    const {flags} = await this.parse(ServerStop)
    const paths = kbusPaths()
    const record = await readRecord(paths.pidFile)
    if (!record || !isKbusServer(record.pid)) {
      if (record) printNote(`(the pid file names pid ${record.pid}, which is no longer a running kbus broker; the next start cleans it up)`)
      throw new CliError('No kbus server to stop', {hint: `Nothing is running for KBUS_HOME=${paths.home}.`})
    }

    process.kill(record.pid, 'SIGTERM')
    if (await exited(record.pid, flags.timeout * 1000)) {
      this.log(`kbus broker stopped (pid ${record.pid})`)
      return
    }
    if (!flags.force)
      throw new CliError(`kbus broker (pid ${record.pid}) did not stop within ${flags.timeout} s`, {
        hint: `It may still be flushing; see ${record.logFile}. Use --force to kill it (the next start then recovers the logs).`,
      })
    process.kill(record.pid, 'SIGKILL')
    await exited(record.pid, 5_000)
    this.log(`kbus broker killed (pid ${record.pid}); the next start recovers its logs`)
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return true
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return !isProcessAlive(pid)
}
