/**
 * A test seam for crash recovery: `crashPoint('card_refund.before_provider_call')` kills the process on
 * the spot (SIGKILL: no finally, no rollback hook, no graceful close) when, and only when, NODE_ENV is
 * `test` and MINISHOP_TEST_CRASH_AT names that point. The crash tests start a child process with it set
 * and then show that the sweeper finishes the work exactly once. Outside tests it is a comparison.
 */
export function crashPoint(name: string): void {
  if (process.env.NODE_ENV === 'test' && process.env.MINISHOP_TEST_CRASH_AT === name) process.kill(process.pid, 'SIGKILL');
}
