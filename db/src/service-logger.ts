/**
 * What the domain services log through: the API hands them Fastify's logger, the workers their pino
 * logger (pino's and Fastify's loggers both fit). Failures of outside calls are logged here with their
 * context before the record is left in a state the sweeper or an operator acts on.
 */
export interface ServiceLogger {
  info(context: object, message: string): void;
  warn(context: object, message: string): void;
  error(context: object, message: string): void;
}

export const silentLogger: ServiceLogger = { info() {}, warn() {}, error() {} };

/** An error as a log line and a database column can carry it. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.slice(0, 2_000);
}
