/**
 * Confirmation before a destructive action: a prompt on stderr when a person is at a terminal,
 * never in a pipe or CI (there the action simply goes ahead, as Kafka's tools do, or --yes was
 * given). The prompt library is loaded only when a prompt is actually shown.
 */
import {CliError} from './errors.js'

/** Exit code for a prompt the user aborted (Ctrl-C, EOF): 128 + SIGINT. */
const ABORTED = 130

export function canPrompt(): boolean {
  return process.stdin.isTTY === true && process.stderr.isTTY === true && !process.env.CI
}

/** True when the action may go ahead; false when the user answered no. */
export async function confirmAction(message: string, opts: {yes: boolean}): Promise<boolean> {
  if (opts.yes || !canPrompt()) return true
  const {confirm} = await import('@inquirer/prompts')
  try {
    return await confirm({message, default: false}, {output: process.stderr})
  } catch (error) {
    if ((error as Error).name === 'ExitPromptError') throw new CliError('Aborted.', {exitCode: ABORTED})
    throw error
  }
}
