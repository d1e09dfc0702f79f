/**
 * Kafka's tools pick what to do with an action flag (`kafka-topics --create …`); kbus has a
 * subcommand per action (`kbus topics create …`). A mode command accepts Kafka's form and hands
 * the rest of the command line to the subcommand, so both spellings work everywhere.
 */
import type {Config} from '@oclif/core'
import {KbusCommand} from './base-command.js'
import {UsageError} from './errors.js'

/** Action flag (without dashes) → the subcommand id that implements it. */
export type ModeTable = Readonly<Record<string, string>>

export interface ResolvedMode {
  commandId: string
  argv: string[]
}

/**
 * Finds the one action flag in `argv` and returns the subcommand with the remaining arguments.
 * `--zookeeper` and its value are dropped: the mode command has already warned about it.
 */
export function resolveMode(argv: readonly string[], modes: ModeTable): ResolvedMode {
  const actions = Object.keys(modes)
  const found: string[] = []
  const rest: string[] = []
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]
    if (arg === '--') {
      rest.push(...argv.slice(index))
      break
    }
    const name = arg.startsWith('--') ? arg.slice(2) : undefined
    if (name !== undefined && actions.includes(name)) found.push(name)
    else if (arg === '--zookeeper') index++
    else if (!arg.startsWith('--zookeeper=')) rest.push(arg)
  }
  const list = actions.map((action) => `--${action}`)
  const choices = `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}`
  if (found.length !== 1)
    throw new UsageError(
      `Command must include exactly one action: ${choices}`,
      found.length === 0 ? undefined : `Got ${found.map((action) => `--${action}`).join(' and ')}.`,
    )
  return {commandId: modes[found[0]], argv: rest}
}

/** Runs the subcommand the action flag names, as if it had been typed. */
export async function runMode(config: Config, argv: readonly string[], modes: ModeTable): Promise<void> {
  const {commandId, argv: rest} = resolveMode(argv, modes)
  await config.runCommand(commandId, rest)
}

/**
 * The command behind `kbus topics --create …` and friends: it leaves every argument to the
 * subcommand its action flag names.
 */
export abstract class ModeCommand extends KbusCommand {
  static override strict = false
  protected abstract readonly modes: ModeTable

  async run(): Promise<void> {
    // Parsing Kafka's action flags here would refuse them; telling oclif the subcommand parses
    // them keeps its "did not parse" warning (NODE_ENV=development/test) quiet.
    this.parsed = true
    await runMode(this.config, this.argv, this.modes)
  }
}
