import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { benchProcessEnvironment, startBenchProcess } from '../lib/bench-process.ts';
import { runLoadWith, type LoadGeneratorPlacement, type LoadResult } from '../lib/load-generator.ts';

/**
 * The store catalog list against a bare Fastify hello-world, measured in the same run on the same
 * machine: budget >= 1/2 of hello-world's requests/s with p99 < 10 ms at 32 connections (issue 12).
 * Both servers run in one process of their own (server.ts), compiled and run as production runs the API;
 * the load generator runs in a child of its own (`child`) or in this process (`in-process`).
 *
 *   npm run bench -- catalog [--duration=10] [--connections=32] [--products=200] [--rounds=1]
 *                            [--load-generator=child|in-process|both] [--accept-encoding="gzip, deflate, br"]
 *
 * Every request carries the Accept-Encoding that Chromium's fetch sends (what the widget's requests
 * carry), so the catalog answers gzipped as it does for shoppers; `--accept-encoding=identity` measures
 * the uncompressed bytes instead. The hello-world does not compress either way.
 *
 * With several rounds, hello-world and the catalog alternate, each round's ratio comes from two runs
 * seconds apart, and the medians are reported: on a shared, busy machine that is what keeps noise
 * from landing on one side of the comparison only.
 */
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: process.env.BENCH_DURATION_SECONDS ?? '10' },
    connections: { type: 'string', default: '32' },
    products: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '1' },
    'load-generator': { type: 'string', default: 'child' },
    'accept-encoding': { type: 'string', default: 'gzip, deflate, br' },
  },
  strict: false,
});

const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const productCount = Number(values.products);
const rounds = Number(values.rounds);
const placementOption = String(values['load-generator']);
const acceptEncoding = String(values['accept-encoding']);
if (![durationSeconds, connections, productCount, rounds].every((value) => Number.isSafeInteger(value) && value > 0) || durationSeconds > 300 || rounds > 20) {
  throw new Error('--duration (1..300 s), --connections, --products and --rounds (1..20) must be positive integers');
}
if (!['child', 'in-process', 'both'].includes(placementOption)) throw new Error('--load-generator must be child, in-process or both');
const placements: LoadGeneratorPlacement[] = placementOption === 'both' ? ['child', 'in-process'] : [placementOption as LoadGeneratorPlacement];

const WARM_UP_SECONDS = 2;
const BUDGET = { minimumRatio: 0.5, maximumP99Ms: 10 };

async function main() {
  const loadAverageBefore = loadavg();
  await prepareTemplateDatabase();
  const environment = await createTestEnvironment({
    LOG_LEVEL: 'silent',
    DATABASE_POOL_MAX: '10',
    // The rate limiter stays on (its Redis round trip is part of every real request) but must not refuse the load.
    RATE_LIMIT_MAX_PER_MINUTE: '1000000000',
  });
  const servers = await startBenchProcess(new URL('./server.ts', import.meta.url), {
    environment: benchProcessEnvironment(environment, { DATABASE_POOL_MAX: '10', RATE_LIMIT_MAX_PER_MINUTE: '1000000000', BENCH_CATALOG_PRODUCTS: String(productCount) }),
    platform: true,
  });
  try {
    const { apiPort, helloPort, slug } = servers.message as { apiPort: number; helloPort: number; slug: string };
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const helloUrl = `http://127.0.0.1:${helloPort}`;
    // A shopper scrolls: the first pages of the list, all of them cacheable.
    const catalogPaths = [1, 2, 3, 4, 5].map((page) => `/api/store/shops/${slug}/products?page=${page}&pageSize=24`);

    const runs: Run[] = [];
    for (const placement of placements) {
      const options = { connections, durationSeconds, headers: { 'accept-encoding': acceptEncoding } };
      await runLoadWith(placement, { ...options, url: helloUrl, paths: ['/'], durationSeconds: WARM_UP_SECONDS });
      await runLoadWith(placement, { ...options, url: apiUrl, paths: catalogPaths, durationSeconds: WARM_UP_SECONDS });
      const roundResults: Run[] = [];
      for (let index = 0; index < rounds; index += 1) {
        const helloResult = await runLoadWith(placement, { ...options, url: helloUrl, paths: ['/'] });
        const catalogResult = await runLoadWith(placement, { ...options, url: apiUrl, paths: catalogPaths });
        roundResults.push({ placement, round: index + 1, hello: helloResult, catalog: catalogResult, ratio: round(catalogResult.requestsPerSecond / helloResult.requestsPerSecond, 3) });
      }
      if (rounds > 1) runs.push(...roundResults);
      runs.push(rounds > 1 ? medianRun(placement, roundResults) : roundResults[0]!);
    }

    printTable(runs);
    const primary = runs.find((run) => run.placement === placements[0] && run.round === (rounds > 1 ? 'median' : 1))!;
    const withinBudget = primary.ratio >= BUDGET.minimumRatio && primary.catalog.latencyP99Ms < BUDGET.maximumP99Ms && primary.catalog.non2xx === 0;
    console.log(
      `\nBudget (${primary.placement} load generator): ratio ${primary.ratio} >= ${BUDGET.minimumRatio} and p99 ${primary.catalog.latencyP99Ms} ms < ${BUDGET.maximumP99Ms} ms: ${withinBudget ? 'MET' : 'MISSED'}`,
    );
    const report = {
      benchmark: 'catalog',
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version },
      settings: { connections, durationSeconds, rounds, warmUpSeconds: WARM_UP_SECONDS, products: productCount, catalogPaths, acceptEncoding },
      loadAverageBefore,
      loadAverageAfter: loadavg(),
      budget: BUDGET,
      withinBudget,
      runs,
    };
    mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
    writeFileSync(new URL('../results/catalog.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
    console.log('Wrote bench/results/catalog.json');
  } finally {
    const exited = new Promise((resolve) => servers.child.once('exit', resolve));
    servers.child.send('close');
    await exited;
    await environment.cleanup();
  }
}

interface Run {
  placement: LoadGeneratorPlacement;
  round: number | 'median';
  hello: LoadResult;
  catalog: LoadResult;
  ratio: number;
}

function round(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function medianResult(results: LoadResult[]): LoadResult {
  const of = (pick: (result: LoadResult) => number) => median(results.map(pick));
  return {
    requestsPerSecond: Math.round(of((result) => result.requestsPerSecond)),
    latencyP50Ms: of((result) => result.latencyP50Ms),
    latencyP99Ms: of((result) => result.latencyP99Ms),
    totalRequests: results.reduce((sum, result) => sum + result.totalRequests, 0),
    non2xx: results.reduce((sum, result) => sum + result.non2xx, 0),
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    timeouts: results.reduce((sum, result) => sum + result.timeouts, 0),
  };
}

function medianRun(placement: LoadGeneratorPlacement, results: Run[]): Run {
  return {
    placement,
    round: 'median',
    hello: medianResult(results.map((run) => run.hello)),
    catalog: medianResult(results.map((run) => run.catalog)),
    ratio: median(results.map((run) => run.ratio)),
  };
}

function printTable(runs: Run[]) {
  const rows = runs.flatMap((run) => [
    { load: run.placement, round: run.round, target: 'hello-world', ...columns(run.hello), ratio: '' },
    { load: run.placement, round: run.round, target: 'store catalog list', ...columns(run.catalog), ratio: String(run.ratio) },
  ]);
  console.log(`\n${connections} connections, ${durationSeconds} s per run after a ${WARM_UP_SECONDS} s warm-up, ${rounds} round(s), ${productCount} products, Accept-Encoding: ${acceptEncoding}`);
  console.table(rows);
}

function columns(result: LoadResult) {
  return { 'req/s': result.requestsPerSecond, 'p50 ms': result.latencyP50Ms, 'p99 ms': result.latencyP99Ms, requests: result.totalRequests, 'non-2xx': result.non2xx, errors: result.errors };
}

await main();
