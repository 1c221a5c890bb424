import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * `npm run bench -- [name ...] [--flag=value ...]` runs bench/<name>/index.ts for each name given, or
 * every benchmark when none is, one after the other, each in a process of its own so that one run's
 * heap, sockets and JIT state do not colour the next. Flags are passed to every benchmark.
 */
const benchFolder = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(benchFolder, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${benchFolder}${entry.name}/index.ts`))
  .map((entry) => entry.name)
  .sort();

const argumentsGiven = process.argv.slice(2);
const flags = argumentsGiven.filter((argument) => argument.startsWith('-'));
const requested = argumentsGiven.filter((argument) => !argument.startsWith('-'));
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ') || 'none'}.`);
  process.exit(2);
}

function run(name: string): Promise<number> {
  return new Promise((resolve) => {
    console.log(`\n=== bench: ${name} ===`);
    const child = spawn(process.execPath, ['--import', 'tsx', `${benchFolder}${name}/index.ts`, ...flags], { stdio: 'inherit' });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

let failed = 0;
for (const name of requested.length ? requested : available) {
  if ((await run(name)) !== 0) failed += 1;
}
process.exit(failed ? 1 : 0);
