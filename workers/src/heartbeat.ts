import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Touched while the workers can reach Redis; the container healthcheck reads its age. */
export const HEARTBEAT_FILE = join(tmpdir(), 'minishop-workers.heartbeat');

export function startHeartbeat(probe: () => Promise<unknown>, intervalMs = 15_000): () => void {
  const beat = async () => {
    try {
      await probe();
      await writeFile(HEARTBEAT_FILE, new Date().toISOString());
    } catch {
      // A stale heartbeat is the signal; the next beat tries again.
    }
  };
  void beat();
  const timer = setInterval(beat, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
