import { ConfigError } from './config.ts';
import { DatabaseUnreachableError } from './database.ts';
import { RedisUnreachableError } from './redis.ts';

/** Any other condition of the machine that stops a process from starting (a port in use, ...). */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Errors a person fixes by changing the environment; their message says how, a stack trace would not. */
export function isStartupError(error: unknown): error is Error {
  return error instanceof StartupError || error instanceof ConfigError || error instanceof DatabaseUnreachableError || error instanceof RedisUnreachableError;
}

/** Ends a process that could not start: one line for a startup error, the whole error otherwise. */
export function exitOnStartupFailure(error: unknown): never {
  console.error(isStartupError(error) ? error.message : error);
  process.exit(1);
}
