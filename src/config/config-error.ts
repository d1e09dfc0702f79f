/** A setting the user gave (flag, file, env) is unusable. The message names it and what is allowed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError'
}
