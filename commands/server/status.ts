import {KbusBaseCommand} from '../../src/cli/base-command.js'
import {CliError} from '../../src/cli/errors.js'
import {alignColumns} from '../../src/cli/output.js'
import {kbusPaths} from '../../src/config/paths.js'
import {isKbusServer} from '../../src/daemon/process-check.js'
import {readRecord, readStats, statsFileOf, type ServerStats} from '../../src/daemon/state-file.js'

export interface ServerStatus {
  running: true
  pid: number
  version: string
  startedAt: string
  uptimeSeconds: number
  listeners: string[]
  socketPath: string
  dataDir: string
  logFile: string
  topics: number | null
  partitions: number | null
  bytesOnDisk: number | null
  connections: number | null
}

export default class ServerStatusCommand extends KbusBaseCommand {
  static override summary = 'Show whether the kbus broker runs, where, and what it holds'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override enableJsonFlag = true

  async run(): Promise<ServerStatus> {
    await this.parse(ServerStatusCommand)
    const paths = kbusPaths()
    const record = await readRecord(paths.pidFile)
    if (!record || !record.ready || !isKbusServer(record.pid))
      throw new CliError('kbus server is not running', {hint: `Start it with \`kbus server start --daemon\` (KBUS_HOME=${paths.home}).`})

    const stats = await freshStats(record.pid, statsFileOf(paths.home))
    const status: ServerStatus = {
      running: true,
      pid: record.pid,
      version: record.version,
      startedAt: record.startedAt,
      uptimeSeconds: Math.max(0, Math.round((Date.now() - Date.parse(record.startedAt)) / 1000)),
      listeners: record.listeners.map(({name, host, port}) => `${name}://${host}:${port}`),
      socketPath: record.socketPath,
      dataDir: record.dataDir,
      logFile: record.logFile,
      topics: stats?.topics ?? null,
      partitions: stats?.partitions ?? null,
      bytesOnDisk: stats?.bytesOnDisk ?? null,
      connections: stats?.connections ?? null,
    }
    this.log(`kbus broker is running (pid ${status.pid}, version ${status.version})`)
    this.log(
      alignColumns([
        ['  uptime:', formatDuration(status.uptimeSeconds)],
        ['  listeners:', status.listeners.join(', ')],
        ['  socket:', status.socketPath],
        ['  data dir:', status.dataDir],
        ['  log:', status.logFile],
        ['  topics:', stats ? `${stats.topics} (${stats.partitions} partitions)` : 'unknown'],
        ['  on disk:', stats ? formatBytes(stats.bytesOnDisk) : 'unknown'],
        ['  connections:', stats ? String(stats.connections) : 'unknown'],
      ]),
    )
    return status
  }
}

/**
 * The broker rewrites its stats file every few seconds; a signal asks for a rewrite now, so a
 * topic created a moment ago is counted. An old broker that ignores it still gives its last file.
 */
async function freshStats(pid: number, file: string): Promise<ServerStats | undefined> {
  const asked = Date.now()
  try {
    process.kill(pid, 'SIGUSR2')
  } catch {
    return readStats(file)
  }
  const deadline = asked + 1_000
  for (;;) {
    const stats = await readStats(file).catch(() => undefined)
    if ((stats && Date.parse(stats.writtenAt) >= asked - 5) || Date.now() >= deadline) return stats
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function formatDuration(seconds: number): string {
  const parts = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor(seconds / 3600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'm'],
    [seconds % 60, 's'],
  ] as const
  const first = parts.findIndex(([value]) => value > 0)
  return first < 0 ? '0s' : parts.slice(first).map(([value, unit]) => `${value}${unit}`).join(' ')
}

function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit++
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`
}
