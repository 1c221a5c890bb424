// Runs one compiled program of dist/ on plain Node: `node scripts/compiled.mjs <name> [arguments...]`,
// where <name> is an entry point of scripts/build.mjs (start, api, workers, migrate, seed, ledger-verify).
// It rebuilds first when a source changed since the last build, so the output never runs stale code.
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ENTRY_POINTS, currentBuild, entryFile, staleReason } from './build.mjs';

const [name] = process.argv.splice(2, 1);
if (!name || !Object.hasOwn(ENTRY_POINTS, name)) {
  console.error(`Usage: node scripts/compiled.mjs <${Object.keys(ENTRY_POINTS).join('|')}> [arguments...]`);
  process.exit(2);
}
if (staleReason()) {
  // The build runs in a child process that is gone before the program starts: esbuild's code and its
  // service process never stay in the running platform's memory.
  const buildScript = fileURLToPath(new URL('./build.mjs', import.meta.url));
  const result = spawnSync(process.execPath, [buildScript], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
const program = entryFile(currentBuild(), name);
// The program sees itself as argv[1], as under `node <file>`: a program that runs itself again (start's
// preparation step) finds its own file there.
process.argv[1] = program;
await import(pathToFileURL(program).href);
