import type { BackoffOptions, MinimalJob } from 'bullmq';

/**
 * A failure the other side told us when to retry (Telegram's 429 `retry_after`, an HTTP Retry-After):
 * the workers' backoff strategy waits exactly that long instead of its own schedule.
 */
export class RetryAfterError extends Error {
  override name = 'RetryAfterError';
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/**
 * The workers' custom backoff (jobs with `backoff: {type: 'retry_after', delay}`): the wait a
 * RetryAfterError names, otherwise exponential from `delay` like BullMQ's own.
 */
export function retryAfterBackoff(attemptsMade: number, _type?: string, error?: Error, job?: MinimalJob): number {
  if (error instanceof RetryAfterError) return error.retryAfterMs;
  const delay = (job?.opts.backoff as BackoffOptions | undefined)?.delay ?? 1_000;
  return Math.round(2 ** Math.max(0, attemptsMade - 1) * delay);
}
