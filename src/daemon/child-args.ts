/**
 * The command line of the broker that `server start --daemon` leaves running:
 * `server start` and the settings in `server start`'s own flag names, paths made absolute. The
 * words `server start` stay so `ps` and the stale-pid check (process-check.ts) recognise it.
 */
import {resolve} from 'node:path'
import {parseArgs} from 'node:util'
import type {ServerConfigInput} from '../config/server-config.js'

export function childArgs(input: ServerConfigInput): string[] {
  const args = ['server', 'start']
  if (input.port !== undefined) args.push('--port', String(input.port))
  if (input.dataDir !== undefined) args.push('--data-dir', resolve(input.dataDir))
  if (input.configFile !== undefined) args.push('--config', resolve(input.configFile))
  for (const override of input.overrides ?? []) args.push('--override', override)
  return args
}

/** The settings back from childArgs' output; anything else is a bug in the parent, thrown as such. */
export function parseChildArgs(argv: string[]): ServerConfigInput {
  const {values, positionals} = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: {type: 'string'},
      'data-dir': {type: 'string'},
      config: {type: 'string'},
      override: {type: 'string', multiple: true},
    },
  })
  if (positionals.join(' ') !== 'server start') throw new Error(`Expected "server start", got "${positionals.join(' ')}"`)
  const port = values.port === undefined ? undefined : Number(values.port)
  if (port !== undefined && !Number.isInteger(port)) throw new Error(`Expected a port number, got "${values.port}"`)
  return {port, dataDir: values['data-dir'], configFile: values.config, overrides: values.override}
}
