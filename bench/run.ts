import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { describeMachine } from './lib/machine.ts';
import { writePerformanceDoc } from './lib/performance-doc.ts';

/**
 * `npm run bench -- [name ...] [--flag=value ...]` runs bench/<name>/index.ts for each name given, or
 * every benchmark when none is, one after the other, each in a process of its own so that one run's
 * heap, sockets and JIT state do not colour the next. Flags are passed to every benchmark.
 *
 * Each benchmark's bench/results/<name>.json gains `run`: the machine (nproc, memory, CPU model, Node) and
 * the load average before and after it. `checkout` is always followed by `pgbench`, its reference in the
 * same run. At the end docs/performance.md is rewritten from every result kept (bench/lib/performance-doc.ts).
 */
const benchFolder = fileURLToPath(new URL('.', import.meta.url));
const available = readdirSync(benchFolder, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(`${benchFolder}${entry.name}/index.ts`))
  .map((entry) => entry.name)
  .sort();

const argumentsGiven = process.argv.slice(2);
const flags = argumentsGiven.filter((argument) => argument.startsWith('-'));
const requested = argumentsGiven.filter((argument) => !argument.startsWith('-'));
// The checkout's figures are read beside pgbench's, so both run together (pgbench right after it).
if (requested.includes('checkout') && !requested.includes('pgbench')) requested.splice(requested.indexOf('checkout') + 1, 0, 'pgbench');
const unknown = requested.filter((name) => !available.includes(name));
if (unknown.length) {
  console.error(`Unknown benchmark(s): ${unknown.join(', ')}. Available: ${available.join(', ') || 'none'}.`);
  process.exit(2);
}

async function run(name: string): Promise<number> {
  console.log(`\n=== bench: ${name} ===`);
  const startedAt = new Date();
  const loadAverageBefore = os.loadavg().map((value) => Math.round(value * 100) / 100);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${benchFolder}${name}/index.ts`, ...flags], { stdio: 'inherit' });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
  const resultFile = `${benchFolder}results/${name}.json`;
  if (existsSync(resultFile) && statSync(resultFile).mtimeMs >= startedAt.getTime()) {
    const result = JSON.parse(readFileSync(resultFile, 'utf8')) as Record<string, unknown>;
    result.run = {
      machine: describeMachine(),
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 100) / 10,
      loadAverageBefore,
      loadAverageAfter: os.loadavg().map((value) => Math.round(value * 100) / 100),
    };
    writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
  }
  return code;
}

let failed = 0;
for (const name of requested.length ? requested : available) {
  if ((await run(name)) !== 0) failed += 1;
}
writePerformanceDoc();
console.log('\nWrote docs/performance.md from bench/results/*.json');
process.exit(failed ? 1 : 0);
