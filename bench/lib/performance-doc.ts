import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Machine } from './machine.ts';
import type { PostgresCpuProfile } from './postgres-cpu-profile.ts';
import type { WalProfile } from './wal-profile.ts';
import { describeStorage } from './storage-stalls.ts';

/**
 * Writes docs/performance.md (and the chart it shows, docs/performance-checkout.svg) from the results
 * kept in bench/results/*.json: every figure beside its reference measured in the same `npm run bench`
 * run, with the ratio and the machine and load average it was measured under.
 */
const RESULTS_FOLDER = new URL('../results/', import.meta.url);
const DOCS_FOLDER = new URL('../../docs/', import.meta.url);
const CHART_FILE = 'performance-checkout.svg';
/** Everything below this line in docs/performance.md is written by hand (analysis, profiles) and kept as it is. */
export const NOTES_MARKER = '<!-- Notes below this line are written by hand and kept by npm run bench. -->';

/** What bench/run.ts adds to every result it ran: where and when. */
interface RunInfo {
  machine: Machine;
  startedAt: string;
  seconds: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
}

type Result = Record<string, any> & { run?: RunInfo };

function readResults(resultsFolder: URL): Map<string, Result> {
  const results = new Map<string, Result>();
  if (!existsSync(resultsFolder)) return results;
  for (const file of readdirSync(resultsFolder).filter((name) => name.endsWith('.json')).sort()) {
    results.set(file.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(file, resultsFolder), 'utf8')) as Result);
  }
  return results;
}

const load = (values: number[] | undefined) => (values ? values.map((value) => value.toFixed(2)).join(' / ') : 'n/a');
const ratio = (value: number, reference: number) => (reference > 0 ? (value / reference).toFixed(3) : 'n/a');
const table = (header: string[], rows: (string | number)[][]) =>
  [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');

function whereAndWhen(result: Result): string {
  const run = result.run;
  if (!run) return `Measured ${result.measuredAt ?? 'at an unknown time'} (no machine recorded: run through \`npm run bench\`).`;
  const machine = run.machine;
  return `Measured ${run.startedAt} in ${run.seconds} s on ${machine.nproc} CPU(s) (${machine.cpuModel}), ${machine.memoryMb} MB, Node ${machine.node}; load average (1/5/15 min) ${load(run.loadAverageBefore)} before, ${load(run.loadAverageAfter)} after.`;
}

function catalogSection(result: Result): string {
  const runs = (result.runs as any[]) ?? [];
  const primary = runs.find((run) => run.round === 'median') ?? runs[0];
  if (!primary) return '';
  return [
    '## Store catalog list (HTTP) beside a bare Fastify hello-world',
    '',
    `${result.settings?.connections} connections, ${result.settings?.durationSeconds} s per run, ${primary.placement} load generator (autocannon), both servers in one process compiled and run as production runs the API, alternating; requests carry \`Accept-Encoding: ${result.settings?.acceptEncoding ?? 'none'}\`.`,
    '',
    table(
      ['figure', 'store catalog list', 'bare Fastify (reference)', 'ratio', 'budget', 'before (issue 12)'],
      [
        ['requests/s', primary.catalog.requestsPerSecond, primary.hello.requestsPerSecond, primary.ratio, '>= 0.5x', '0.23-0.25x'],
        ['p50 ms', primary.catalog.latencyP50Ms, primary.hello.latencyP50Ms, '', '', ''],
        ['p99 ms', primary.catalog.latencyP99Ms, primary.hello.latencyP99Ms, '', '< 10 ms', ''],
        ['non-2xx / errors', `${primary.catalog.non2xx} / ${primary.catalog.errors}`, `${primary.hello.non2xx} / ${primary.hello.errors}`, '', '0', ''],
      ],
    ),
    '',
    runs.length > 1 ? `Each round's ratio (the table shows their median): ${runs.filter((run) => run.round !== 'median').map((run) => run.ratio).join(', ')}.\n` : '',
    whereAndWhen(result),
  ].join('\n');
}

function checkoutSection(result: Result, pgbench: Result | undefined): string {
  const levels = (result.results as any[]) ?? [];
  const reference = new Map<number, any>(((pgbench?.levels as any[]) ?? []).map((level) => [level.clients, level]));
  return [
    '## Checkout paid by wallet (HTTP) beside pgbench TPC-B',
    '',
    'One order = cart line, checkout, payment by wallet: three HTTP requests, each shopper on its own keep-alive',
    'connection. The reference is pgbench\'s TPC-B transaction at the same number of clients on the same PostgreSQL,',
    `measured in the same \`npm run bench\` run${pgbench ? '' : ' (not run this time: `npm run bench -- checkout pgbench`)'}.`,
    '',
    table(
      ['shoppers', 'orders/s', 'flow p50 ms', 'flow p99 ms', 'CPU ms/order: API / workers / PostgreSQL / load generator / machine', 'waiting for a core ms/order: API / workers / PostgreSQL', 'relay lag p50 / p99 ms', 'slowest disk flush ms (dirty backlog MB)', 'WAL bytes/order', 'pgbench TPC-B tps (reference)', 'ratio orders/tps', 'before (issue 12)'],
      levels.map((level) => {
        const tps = reference.get(level.connections)?.tps;
        const before = { 1: '29-31/s, p99 52-56', 8: '47-55/s, p99 355-371', 32: '45-60/s, p99 855-1,420' }[level.connections as 1 | 8 | 32] ?? '';
        const cpu = [level.apiCpuMsPerOrder, level.workersCpuMsPerOrder, level.postgresCpuMsPerOrder, level.loadGeneratorCpuMsPerOrder, level.machineCpuMsPerOrder].map((value) => value ?? 'n/a').join(' / ');
        const waiting = [level.apiWaitingForCoreMsPerOrder, level.workersWaitingForCoreMsPerOrder, level.postgresWaitingForCoreMsPerOrder].map((value) => value ?? 'n/a').join(' / ');
        const relayLag = `${level.relayLagP50Ms ?? 'n/a'} / ${level.relayLagP99Ms ?? 'n/a'}`;
        return [level.connections, level.ordersPerSecond, level.flowP50Ms, level.flowP99Ms, cpu, waiting, relayLag, describeStorage(level.storage), level.walBytesPerOrder ?? 'n/a', tps ?? 'n/a', tps ? ratio(level.ordersPerSecond, tps) : 'n/a', before];
      }),
    ),
    '',
    'Budget at 32 shoppers: >= 400 orders/s with a whole-flow p99 <= 150 ms. Machine CPU is every core\'s busy time over',
    'the level (API, workers, PostgreSQL, Redis, load generator) per order: at 400 orders/s two cores allow 5 ms. The',
    'API and the workers (the outbox relay and the jobs each order starts) run as `npm run api` and `npm run workers`',
    'run them, each writing its log at the default level. Waiting for a core is the time a process (the API\'s and the',
    'workers\' event loops, every backend) was ready to run but had no core (the scheduler\'s run-queue delay), per order.',
    'Relay lag is how long the level\'s events waited from their order\'s transaction to the outbox relay\'s publishing pass.',
    'The slowest disk flush is the storage probe\'s (as in the ledger\'s table below): a commit waits as long.',
    ...(result.warmUpSeconds === undefined
      ? []
      : [`Each level runs ${result.durationSeconds} s, after ${result.warmUpSeconds} s of the same flow at 8 shoppers that are not counted (a server's steady state, not its first seconds of compiling and planning: bench/lib/warm-up.ts).`]),
    '',
    `![orders/s and p99 against concurrency](${CHART_FILE})`,
    '',
    `Checkout: ${whereAndWhen(result)}`,
    pgbench ? `\npgbench: ${whereAndWhen(pgbench)}` : '',
  ].join('\n');
}

function ledgerSection(result: Result): string {
  const scenarios = Object.entries((result.scenarios as Record<string, any>) ?? {});
  const pgbench = result.pgbench as { tps: number; clients: number } | undefined;
  return [
    '## Ledger transfers (HTTP) beside pgbench TPC-B',
    '',
    table(
      ['scenario', 'transfers/s', 'p50 ms', 'p99 ms', 'API CPU µs/request', 'API full collections (pause ms)', 'slowest disk flush ms (dirty backlog MB)', 'load generator CPU µs/request', 'machine CPU µs/transfer', `pgbench tps (${pgbench?.clients ?? '?'} clients, reference)`, 'ratio'],
      scenarios.map(([name, scenario]) => [
        name,
        scenario.transfersPerSecond,
        scenario.latencyP50Ms,
        scenario.latencyP99Ms,
        name.includes('no HTTP') ? '-' : (scenario.apiCpuMicrosecondsPerRequest ?? 'n/a'),
        name.includes('no HTTP') || !scenario.apiCollections ? '-' : `${scenario.apiCollections.fullCollections} (${scenario.apiCollections.fullCollectionPauseMs})`,
        describeStorage(scenario.storage),
        scenario.loadGeneratorCpuMicrosecondsPerRequest ?? 'n/a',
        scenario.machineCpuMicrosecondsPerTransfer ?? 'n/a',
        pgbench?.tps ?? 'n/a',
        pgbench ? ratio(scenario.transfersPerSecond, pgbench.tps) : 'n/a',
      ]),
    ),
    '',
    'Budgets: uniform >= 3,000 transfers/s, p99 <= 20 ms at 2,000/s offered; one hot account >= 2,000/s at p99 <= 25 ms.',
    '',
    'Machine CPU: every core\'s busy time over the scenario (API, PostgreSQL, load generator and the rest) per transfer;',
    'it moves much less with this machine\'s speed from run to run than throughput does. The load generator is this',
    'process (autocannon for closed loops; for open ones a client that writes each request\'s bytes on a keep-alive socket',
    'and reads the answer\'s status and length, bench/lib/raw-http-client.ts; in process, the batching writer itself).',
    'API full collections: the mark-compact collections of the API process during the scenario (Node\'s `gc` performance',
    'entries) and their final pauses; each also took marking steps on the main thread and a core from the others.',
    'Slowest disk flush: a page written and flushed with fdatasync every 10 ms beside the scenario, on PostgreSQL\'s',
    'filesystem (bench/lib/storage-stalls.ts), as each commit flushes the WAL; in brackets the largest backlog of dirty',
    'pages the kernel held. When the kernel writes a large backlog out at once, every commit waits behind it.',
    '',
    whereAndWhen(result),
  ].join('\n');
}

function memorySection(result: Result): string {
  const rows = (label: string, figure: any) => figure.processes.map((process: any) => [label, process.command.slice(0, 80).replaceAll('|', '\\|'), process.rssMb, process.anonymousMb, process.fileMb]);
  return [
    '## Memory of the running platform (`npm start`)',
    '',
    'Resident memory (RSS, from /proc) of every process `npm start` runs, the `npm` client itself excepted, started',
    `as a user starts it; idle ${(result.settings?.idleSettleMs ?? 0) / 1000} s after the banner, then the peak during ${result.settings?.durationSeconds} s of the checkout load`,
    `(${result.settings?.shoppers} shoppers; ${result.load?.ordersPerSecond} orders/s reached during it). "file" is mostly the node binary's pages, shared by every Node process.`,
    '',
    table(
      ['figure', 'resident MB', 'of which anonymous MB', 'budget', 'before (issue 12)'],
      [
        ['idle', result.idle.totalRssMb, result.idle.totalAnonymousMb, '<= 150', '259-260 (292.5 on 3 Dec, 2 processes)'],
        ['under the checkout load (peak)', result.underLoadPeak.totalRssMb, result.underLoadPeak.totalAnonymousMb, '<= 250', '294-295 (316.6 on 3 Dec)'],
      ],
    ),
    '',
    table(['when', 'process', 'RSS MB', 'anonymous MB', 'file MB'], [...rows('idle', result.idle), ...rows('load peak', result.underLoadPeak)]),
    '',
    whereAndWhen(result),
  ].join('\n');
}

/** Where a checkout's time goes (bench/checkout-profile): round trips, database states and statements, the API's CPU. */
function checkoutProfileSection(result: Result): string {
  const throughput = result.throughput ?? {};
  const database = result.database ?? {};
  const roundTrips = Object.entries((result.roundTrips as Record<string, { count: number }>) ?? {});
  const statements = (result.statementTimes as { statement: string; calls: number; execute_ms: number; plan_ms: number }[] | null) ?? [];
  const cell = (text: string) => `\`${text.replaceAll('|', '\\|').replaceAll('`', "'")}\``;
  const postgresCpu = result.postgresCpu as PostgresCpuProfile | null | undefined;
  const wal = result.wal as WalProfile | null | undefined;
  return [
    '## Where a checkout\'s time goes (`bench checkout-profile`)',
    '',
    `${throughput.shoppers} shoppers: ${throughput.ordersPerSecond} orders/s, flow p50 ${throughput.flowP50Ms} ms, p99 ${throughput.flowP99Ms} ms, API CPU ${throughput.apiCpuMsPerOrder} ms per order`,
    '(the V8 profiler, the 20 ms database sampler and, where it may, `perf` all run, so these figures sit below `bench checkout`\'s).',
    ...(result.apiEventLoop
      ? [
          '',
          `The API's event loop over the measured window, as the scheduler counts its thread: on a core ${result.apiEventLoop.runningShare} %, ready but waiting for a core ${result.apiEventLoop.waitingForCoreShare} %, idle ${result.apiEventLoop.idleShare} % (\`/proc/<pid>/schedstat\`: a V8 profile shows the wait as time in the system call the thread was preempted in, typically \`writev\`).`,
        ]
      : []),
    '',
    `Round trips to PostgreSQL per request (one shopper alone): ${roundTrips.map(([step, { count }]) => `${step} ${count}`).join(', ') || 'n/a'}.`,
    '',
    table(
      ['PostgreSQL backends of the bench database', 'average backends', 'share of busy %'],
      Object.entries((database.averageBackends as Record<string, number>) ?? {}).map(([state, backends]) => [state, backends, database.busyShare?.[state] ?? '-']),
    ),
    '',
    ...(statements.length
      ? [
          table(
            ['statement (pg_stat_statements, measured window)', 'calls', 'execute ms', 'plan ms'],
            statements.slice(0, 12).map((row) => [cell(row.statement.slice(0, 90)), row.calls, row.execute_ms, row.plan_ms]),
          ),
          '',
        ]
      : []),
    table(
      ['API CPU bucket', 'ms', 'share of busy %'],
      Object.entries((result.api?.milliseconds as Record<string, number>) ?? {}).map(([bucket, milliseconds]) => [bucket, milliseconds, result.api?.busyShare?.[bucket] ?? '-']),
    ),
    '',
    ...(postgresCpu
      ? [
          `The whole machine, sampled by \`perf\` (${postgresCpu.samples} samples over every core): ${Object.entries(postgresCpu.processShare)
            .map(([name, share]) => `${name} ${share} %`)
            .join(', ')}.`,
          '',
          table(
            ['PostgreSQL CPU by stage (perf, outermost stage on the stack)', 'share of PostgreSQL\'s samples %'],
            Object.entries(postgresCpu.postgresStageShare).map(([stage, share]) => [stage, share]),
          ),
          '',
        ]
      : []),
    ...(wal
      ? [
          `WAL written per paid order (\`pg_walinspect\`, measured window): ${wal.bytesPerOrder} bytes in ${wal.recordsPerOrder} records.`,
          '',
          table(
            ['WAL record', 'relation', 'per paid order'],
            wal.records.map((row) => [row.record, row.relation || '-', row.perOrder]),
          ),
          '',
        ]
      : []),
    whereAndWhen(result),
  ].join('\n');
}

function otherSection(name: string, result: Result): string {
  return [`## ${name}`, '', `Figures in \`bench/results/${name}.json\` (no reference defined for this benchmark yet).`, '', whereAndWhen(result)].join('\n');
}

/** orders/s (left) and whole-flow p99 (right) against the number of concurrent shoppers, as plain SVG. */
export function checkoutChart(levels: { connections: number; ordersPerSecond: number; flowP99Ms: number }[]): string {
  const width = 720;
  const height = 300;
  const panel = (offsetX: number, title: string, values: number[], color: string, unit: string) => {
    const left = offsetX + 50;
    const right = offsetX + width / 2 - 20;
    const top = 40;
    const bottom = height - 40;
    const maximum = Math.max(...values, 1) * 1.15;
    const x = (index: number) => left + ((right - left) * (index + 0.5)) / levels.length;
    const y = (value: number) => bottom - ((bottom - top) * value) / maximum;
    const points = values.map((value, index) => `${x(index).toFixed(1)},${y(value).toFixed(1)}`).join(' ');
    const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => {
      const value = maximum * fraction;
      return `<line x1="${left}" x2="${right}" y1="${y(value).toFixed(1)}" y2="${y(value).toFixed(1)}" stroke="#ddd"/><text x="${left - 6}" y="${(y(value) + 4).toFixed(1)}" text-anchor="end">${Math.round(value)}</text>`;
    });
    const labels = levels.map((level, index) => `<text x="${x(index).toFixed(1)}" y="${bottom + 18}" text-anchor="middle">${level.connections}</text>`);
    const dots = values.map((value, index) => `<circle cx="${x(index).toFixed(1)}" cy="${y(value).toFixed(1)}" r="4" fill="${color}"/><text x="${x(index).toFixed(1)}" y="${(y(value) - 9).toFixed(1)}" text-anchor="middle" fill="${color}">${value}</text>`);
    return [
      `<text x="${(left + right) / 2}" y="22" text-anchor="middle" font-weight="bold">${title}</text>`,
      ...ticks,
      `<line x1="${left}" x2="${left}" y1="${top}" y2="${bottom}" stroke="#888"/><line x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}" stroke="#888"/>`,
      `<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2"/>`,
      ...dots,
      ...labels,
      `<text x="${(left + right) / 2}" y="${height - 6}" text-anchor="middle">concurrent shoppers</text>`,
      `<text x="${offsetX + 12}" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 ${offsetX + 12} ${(top + bottom) / 2})">${unit}</text>`,
    ].join('\n');
  };
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    panel(0, 'Orders paid per second', levels.map((level) => level.ordersPerSecond), '#1f6feb', 'orders/s'),
    panel(width / 2, 'Whole-flow p99', levels.map((level) => level.flowP99Ms), '#d1242f', 'ms'),
    '</svg>',
    '',
  ].join('\n');
}

const KNOWN = ['catalog', 'checkout', 'pgbench', 'ledger', 'memory', 'checkout-profile'];

/** Folders are URLs ending in '/'; the defaults are bench/results/ and docs/. */
export function writePerformanceDoc({ resultsFolder = RESULTS_FOLDER, docsFolder = DOCS_FOLDER }: { resultsFolder?: URL; docsFolder?: URL } = {}): void {
  const results = readResults(resultsFolder);
  const machines = [...results.values()].map((result) => result.run?.machine).filter((machine): machine is Machine => machine !== undefined);
  const machine = machines[0];
  const sections: string[] = [];
  if (results.has('catalog')) sections.push(catalogSection(results.get('catalog')!));
  if (results.has('checkout')) {
    const checkout = results.get('checkout')!;
    sections.push(checkoutSection(checkout, results.get('pgbench')));
    writeFileSync(new URL(CHART_FILE, docsFolder), checkoutChart((checkout.results as any[]) ?? []));
  }
  if (results.has('ledger')) sections.push(ledgerSection(results.get('ledger')!));
  if (results.has('memory')) sections.push(memorySection(results.get('memory')!));
  if (results.has('checkout-profile')) sections.push(checkoutProfileSection(results.get('checkout-profile')!));
  for (const [name, result] of results) if (!KNOWN.includes(name)) sections.push(otherSection(name, result));

  const document = [
    '# Performance',
    '',
    '<!-- Written by `npm run bench` (bench/lib/performance-doc.ts) from bench/results/*.json; edit the generator, not this file. -->',
    '',
    '`npm run bench` (or `npm run bench -- <name> ...`) runs the benchmarks in bench/, keeps each one\'s figures in',
    '`bench/results/<name>.json` with the machine and load average they were measured under, and rewrites this page:',
    'every figure stands beside its reference measured in the same run (a bare Fastify hello-world for HTTP, pgbench\'s',
    'TPC-B for the database) with the ratio, so that a slower or busier machine moves both sides.',
    '',
    'Each figure carries the load average it was measured under: on a machine shared with other builds and tests',
    '(load average well above the 2 cores) they are indicative only, and even on a quiet virtual machine the',
    'reference itself moves between runs (the hello-world by up to 40 %), which is why every ratio is taken within one run.',
    '',
    machine
      ? `Machine: ${machine.nproc} CPU(s), ${machine.cpuModel}, ${machine.memoryMb} MB of memory, Node ${machine.node}.`
      : 'Machine: not recorded (run the benchmarks through `npm run bench`).',
    '',
    '## Runtime and memory flags',
    '',
    '`npm start`, `npm run api` and `npm run workers` run the build that `scripts/build.mjs` compiles with esbuild into',
    '`dist/` (rebuilt when a source changed; git-ignored) on plain Node, with `--max-semi-space-size=8` (young',
    'generation semi-spaces of 8 MB instead of 16: 16 MB cost 30 MB resident at idle; 4 MB, used until 7 Dec, scavenged',
    'twice as often, promoted a request\'s objects still in flight and cost the checkout\'s API a tenth more CPU per order;',
    '8 MB cost 7 MB more at idle), `--heap-growing-percent=100` (a full collection when the old generation has grown to',
    'twice what survived the last one, instead of V8\'s 1.3 times below a 256 MB ceiling: in 30 s of the ledger\'s open loop, 2 full collections instead of 6, and none with both flags),',
    '`--max-old-space-size=192` (a ceiling on the old generation, so a leak ends in a restart instead of swallowing',
    'the machine), `--no-allocation-site-pretenuring` (V8',
    'otherwise starts allocating objects straight into the old generation at the sites where it saw many survive,',
    'and under load a request\'s short-lived rows and arrays then wait for a full collection: the ledger\'s API spent',
    'about a quarter more CPU per request with it and collected fully three times as often), and the environment variable',
    '`MALLOC_ARENA_MAX=2` (glibc\'s malloc otherwise keeps up to 8 arenas per core for Node\'s threads, each holding',
    'freed memory resident; the image sets it too). `npm start` runs the API and the workers in one process',
    '(scripts/start.ts), so one set of flags covers both; its one-off work (migrations, demo seed, front-end builds)',
    'runs first in a child process that exits before the platform starts. `npm start` also passes `--expose-gc`, for',
    'one full collection once the platform is up (startup\'s garbage: about 3 MB less resident at idle). `npm run dev`',
    'runs the sources through `tsx watch` instead (reload on save).',
    '',
    ...sections.flatMap((section) => [section, '']),
    NOTES_MARKER,
  ].join('\n');
  const documentFile = new URL('performance.md', docsFolder);
  const previous = existsSync(documentFile) ? readFileSync(documentFile, 'utf8') : '';
  const notes = previous.includes(NOTES_MARKER) ? previous.slice(previous.indexOf(NOTES_MARKER) + NOTES_MARKER.length) : '\n';
  writeFileSync(documentFile, document + notes);
}
