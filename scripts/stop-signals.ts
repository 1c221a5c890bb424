/** How long the graceful stop may take before the process gives up and exits 1. */
const STOP_TIMEOUT_MS = 10_000;
/** Signals this soon after the first are echoes of it, not a second Ctrl-C. */
const ECHO_WINDOW_MS = 1_000;

/**
 * Runs `stop` once on SIGINT or SIGTERM, then exits. Ctrl-C reaches `npm start` more than once: the
 * terminal signals every process of the group, and npm (and tsx, under `npm run dev`) relays it again to its child; so
 * signals within a second of the first are ignored, and only a later one (a second Ctrl-C) exits at once.
 */
export function stopOnSignals(stop: (signal: NodeJS.Signals) => Promise<void>): void {
  let firstSignalAtMs: number | null = null;
  const handle = (signal: NodeJS.Signals) => {
    if (firstSignalAtMs === null) {
      firstSignalAtMs = Date.now();
      setTimeout(() => {
        console.error(`Still stopping after ${STOP_TIMEOUT_MS / 1_000} s; exiting.`);
        process.exit(1);
      }, STOP_TIMEOUT_MS).unref();
      stop(signal).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    } else if (Date.now() - firstSignalAtMs > ECHO_WINDOW_MS) {
      console.error(`${signal} again: exiting without waiting.`);
      process.exit(1);
    }
  };
  process.on('SIGINT', handle);
  process.on('SIGTERM', handle);
}
