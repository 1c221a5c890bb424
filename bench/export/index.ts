import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { newId } from '../../db/src/ids.ts';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { fillLedger } from '../../db/src/testing/ledger-bulk.ts';

/**
 * `npm run bench -- export [--transfers=1000000] [--format=csv|jsonl] [--sample-ms=25]`: the journal
 * export of DESIGN.md §10 ("ledger CSV export, 1M rows: constant memory"). Fills a throwaway database
 * with `transfers` hash-chained transfers (set-based inserts, chain computed in batches), then streams
 * the operator's journal export through HTTP to a counting sink, twice: a tenth of the journal, then
 * all of it. The API runs in its own process and samples its RSS and heap during each download; flat
 * means the whole journal peaks no higher than the tenth.
 */
const flag = (name: string, fallback: string) => process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const transferCount = Number(flag('transfers', '1000000'));
const format = flag('format', 'csv');
const sampleMs = Number(flag('sample-ms', '25'));
if (!Number.isSafeInteger(transferCount) || transferCount < 1_000 || transferCount > 5_000_000) throw new Error('--transfers must be 1,000 .. 5,000,000');
if (format !== 'csv' && format !== 'jsonl') throw new Error('--format must be csv or jsonl');

const MEGABYTE = 1_048_576;
const START = new Date('2026-01-01T00:00:00.000Z');
const megabytes = (bytes: number) => Math.round((bytes / MEGABYTE) * 10) / 10;

interface Samples {
  startRssBytes: number;
  startHeapUsedBytes: number;
  peakRssBytes: number;
  peakHeapUsedBytes: number;
  peakLiveHeapBytes: number;
  endRssBytes: number;
  endHeapUsedBytes: number;
  samples: number;
}

function nextMessage<Message>(child: ChildProcess, type: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: { type: string }) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      resolve(message as Message);
    };
    child.on('message', onMessage);
    child.once('exit', (code) => reject(new Error(`The API process exited with ${code}`)));
  });
}

/** Downloads the export and counts it, holding nothing: the sink is as small as a sink gets. */
function download(port: number, path: string, token: string): Promise<{ bytes: number; lines: number; seconds: number; contentDisposition: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`export answered ${response.statusCode}`));
      let bytes = 0;
      let lines = 0;
      response.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        for (let index = chunk.indexOf(10); index !== -1; index = chunk.indexOf(10, index + 1)) lines += 1;
      });
      response.on('end', () => resolve({ bytes, lines, seconds: (performance.now() - started) / 1000, contentDisposition: String(response.headers['content-disposition']) }));
      response.on('error', reject);
    }).on('error', reject);
  });
}

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ DATABASE_POOL_MAX: '5', LOG_LEVEL: 'silent' });
const report: Record<string, unknown> = { machine: { cpus: cpus().length, loadAverageBefore: loadavg() }, transfers: transferCount, format };
let server: ChildProcess | null = null;
try {
  console.log(`Filling a throwaway ledger with ${transferCount.toLocaleString('en')} transfers ...`);
  const fillStarted = performance.now();
  let lastPrinted = 0;
  await fillLedger(environment.database.pool, {
    transfers: transferCount,
    merchantId: newId(),
    startAt: START,
    onProgress: (inserted) => {
      if (inserted - lastPrinted >= 100_000 || inserted === transferCount) {
        lastPrinted = inserted;
        console.log(`  ${inserted.toLocaleString('en')} (${Math.round((performance.now() - fillStarted) / 1000)} s)`);
      }
    },
  });
  const fillSeconds = (performance.now() - fillStarted) / 1000;
  report.fill = { seconds: Math.round(fillSeconds * 10) / 10, transfersPerSecond: Math.round(transferCount / fillSeconds) };

  server = fork(new URL('./server.ts', import.meta.url), [], {
    execArgv: ['--expose-gc', '--import', 'tsx'],
    env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: environment.config.database.url, DATABASE_POOL_MAX: '5', REDIS_KEY_PREFIX: environment.config.redis.keyPrefix, LOG_LEVEL: 'silent' },
    stdio: 'inherit',
  });
  const { port, token } = await nextMessage<{ port: number; token: string }>(server, 'ready');

  // Transfer i was created at START + i ms, so a period of the first tenth is [START, START + n/10 ms).
  const tenthEnd = new Date(START.getTime() + Math.floor(transferCount / 10)).toISOString();
  const runs: Record<string, unknown> = {};
  for (const [name, path, expectedTransfers] of [
    ['tenth', `/api/admin/operator/finance/journal.${format}?to=${tenthEnd}`, Math.floor(transferCount / 10)],
    ['whole', `/api/admin/operator/finance/journal.${format}`, transferCount],
  ] as const) {
    server.send({ type: 'sample-start', intervalMs: sampleMs });
    const result = await download(port, path, token);
    server.send({ type: 'sample-stop' });
    const samples = await nextMessage<Samples>(server, 'samples');
    const rows = format === 'csv' ? result.lines - 1 : result.lines;
    if (rows !== expectedTransfers * 2) throw new Error(`${name}: expected ${expectedTransfers * 2} journal lines, counted ${rows}`);
    runs[name] = {
      transfers: expectedTransfers,
      journalLines: rows,
      megabytes: megabytes(result.bytes),
      seconds: Math.round(result.seconds * 100) / 100,
      linesPerSecond: Math.round(rows / result.seconds),
      transfersPerSecond: Math.round(expectedTransfers / result.seconds),
      megabytesPerSecond: Math.round((result.bytes / MEGABYTE / result.seconds) * 10) / 10,
      apiRssMegabytes: { start: megabytes(samples.startRssBytes), peak: megabytes(samples.peakRssBytes), end: megabytes(samples.endRssBytes) },
      apiHeapUsedMegabytes: { start: megabytes(samples.startHeapUsedBytes), peak: megabytes(samples.peakHeapUsedBytes), end: megabytes(samples.endHeapUsedBytes) },
      apiLiveHeapPeakMegabytes: megabytes(samples.peakLiveHeapBytes),
      memorySamples: samples.samples,
      contentDisposition: result.contentDisposition,
    };
    console.log(`${name}: ${JSON.stringify(runs[name])}`);
  }
  type Run = { apiRssMegabytes: { peak: number }; apiHeapUsedMegabytes: { peak: number }; apiLiveHeapPeakMegabytes: number };
  const tenth = runs.tenth as Run;
  const whole = runs.whole as Run;
  // Flat: ten times the rows may not hold more live heap, nor peak higher, than the tenth did, give or
  // take the collector's slack (it lets garbage pile up to a threshold before a full collection).
  const flat =
    whole.apiLiveHeapPeakMegabytes <= tenth.apiLiveHeapPeakMegabytes + 8 &&
    whole.apiHeapUsedMegabytes.peak <= tenth.apiHeapUsedMegabytes.peak + 64 &&
    whole.apiRssMegabytes.peak <= tenth.apiRssMegabytes.peak + 64;
  report.runs = runs;
  report.constantMemory = flat;
  report.machine = { ...(report.machine as object), loadAverageAfter: loadavg() };
  console.log(
    `constant memory: ${flat ? 'yes' : 'NO'} (tenth -> whole: live heap ${tenth.apiLiveHeapPeakMegabytes} -> ${whole.apiLiveHeapPeakMegabytes} MB, ` +
      `peak heap ${tenth.apiHeapUsedMegabytes.peak} -> ${whole.apiHeapUsedMegabytes.peak} MB, peak RSS ${tenth.apiRssMegabytes.peak} -> ${whole.apiRssMegabytes.peak} MB)`,
  );
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/export.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
  if (!flat) process.exitCode = 1;
} finally {
  if (server && server.exitCode === null) {
    server.send({ type: 'close' });
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  await environment.cleanup();
}
