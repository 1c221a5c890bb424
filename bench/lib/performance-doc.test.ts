import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NOTES_MARKER, checkoutChart, writePerformanceDoc } from './performance-doc.ts';

const run = { machine: { nproc: 2, memoryMb: 24105, cpuModel: 'Test CPU', node: 'v20.20.2', loadAverage: [1, 2, 3] }, startedAt: '2026-12-02T20:00:00.000Z', seconds: 30, loadAverageBefore: [1.5, 2, 3], loadAverageAfter: [2.5, 2, 3] };
const folders: string[] = [];
function scratch(): URL {
  const folder = mkdtempSync(join(tmpdir(), 'performance-doc-'));
  folders.push(folder);
  return pathToFileURL(`${folder}/`);
}
afterEach(() => folders.splice(0).forEach((folder) => rmSync(folder, { recursive: true, force: true })));

describe('docs/performance.md written from bench/results', () => {
  it('puts each figure beside its reference from the same run, with the ratio, the machine and the load average', () => {
    const resultsFolder = scratch();
    const docsFolder = scratch();
    const hello = { requestsPerSecond: 30_000, latencyP50Ms: 0, latencyP99Ms: 2, non2xx: 0, errors: 0 };
    const catalog = { requestsPerSecond: 15_000, latencyP50Ms: 1, latencyP99Ms: 6, non2xx: 0, errors: 0 };
    writeFileSync(new URL('catalog.json', resultsFolder), JSON.stringify({ settings: { connections: 32, durationSeconds: 5 }, runs: [{ placement: 'child', round: 1, hello, catalog, ratio: 0.5 }], run }));
    writeFileSync(
      new URL('checkout.json', resultsFolder),
      JSON.stringify({
        durationSeconds: 10,
        warmUpSeconds: 15,
        results: [1, 8, 32].map((connections) => ({ connections, ordersPerSecond: connections * 10, flowP50Ms: 20, flowP99Ms: 40 + connections, apiCpuMsPerOrder: 3.5, workersCpuMsPerOrder: 1.25, postgresCpuMsPerOrder: 5.25, loadGeneratorCpuMsPerOrder: 1, machineCpuMsPerOrder: 11, apiWaitingForCoreMsPerOrder: 0.75, workersWaitingForCoreMsPerOrder: 0.05, postgresWaitingForCoreMsPerOrder: 2.5, relayLagP50Ms: 12.5, relayLagP99Ms: 40, walBytesPerOrder: 11_000, storage: connections === 32 ? { flushes: 1_000, flushP99Ms: 3.1, slowestFlushMs: 41.5, flushesOver20Ms: 2, largestDirtyBacklogMb: 140.2 } : null })),
        run,
      }),
    );
    writeFileSync(new URL('pgbench.json', resultsFolder), JSON.stringify({ levels: [{ clients: 32, tps: 1_600 }], run }));
    writeFileSync(
      new URL('checkout-profile.json', resultsFolder),
      JSON.stringify({
        throughput: { shoppers: 32, ordersPerSecond: 61, flowP50Ms: 500, flowP99Ms: 700, apiCpuMsPerOrder: 16.5 },
        apiEventLoop: { runningShare: 55.5, waitingForCoreShare: 40, idleShare: 4.5 },
        roundTrips: { cart: { count: 6, statements: [] }, checkout: { count: 6, statements: [] }, pay: { count: 13, statements: [] } },
        database: { averageBackends: { 'waiting on a lock (tuple)': 0.4 }, busyShare: { 'waiting on a lock (tuple)': 3.5 } },
        statementTimes: [{ statement: 'select a | b from t', calls: 500, execute_ms: 120.5, plan_ms: 0 }],
        api: { milliseconds: { 'PostgreSQL driver (pg)': 4300 }, busyShare: { 'PostgreSQL driver (pg)': 55.1 } },
        postgresCpu: { samples: 1000, processShare: { postgres: 45.4, node: 37.3 }, postgresSamples: 454, postgresStageShare: { 'index upkeep': 6.9 } },
        wal: { orders: 100, bytesPerOrder: 10_600, recordsPerOrder: 98.5, records: [{ record: 'Heap/LOCK', relation: 'cart', perOrder: 1.9 }, { record: 'Transaction/COMMIT', relation: '', perOrder: 3.2 }] },
        run,
      }),
    );
    writeFileSync(new URL('performance.md', docsFolder), `old figures\n${NOTES_MARKER}\nA profile written by hand.\n`);

    writePerformanceDoc({ resultsFolder, docsFolder });
    const document = readFileSync(new URL('performance.md', docsFolder), 'utf8');
    expect(document).toContain('| requests/s | 15000 | 30000 | 0.5 |');
    // 320 orders/s at 32 shoppers beside pgbench's 1,600 tps at 32 clients; no reference at 1 and 8.
    expect(document).toContain('| 32 | 320 | 20 | 72 | 3.5 / 1.25 / 5.25 / 1 / 11 | 0.75 / 0.05 / 2.5 | 12.5 / 40 | 41.5 (140.2) | 11000 | 1600 | 0.200 |');
    // A level measured where the disk could not be watched says so ("-") rather than showing a zero.
    expect(document).toContain('| 1 | 10 | 20 | 41 | 3.5 / 1.25 / 5.25 / 1 / 11 | 0.75 / 0.05 / 2.5 | 12.5 / 40 | - | 11000 | n/a | n/a |');
    expect(document).toContain('Each level runs 10 s, after 15 s of the same flow at 8 shoppers that are not counted');
    expect(document).toContain('2 CPU(s) (Test CPU), 24105 MB');
    expect(document).toContain('load average (1/5/15 min) 1.50 / 2.00 / 3.00 before, 2.50 / 2.00 / 3.00 after');
    expect(document).toContain('every ratio is taken within one run');
    // The checkout profile is kept in the page: round trips, database states, statements, the API's CPU.
    expect(document).toContain('Round trips to PostgreSQL per request (one shopper alone): cart 6, checkout 6, pay 13.');
    expect(document).toContain("The API's event loop over the measured window, as the scheduler counts its thread: on a core 55.5 %, ready but waiting for a core 40 %, idle 4.5 %");
    expect(document).toContain('| waiting on a lock (tuple) | 0.4 | 3.5 |');
    expect(document).toContain('| `select a \\| b from t` | 500 | 120.5 | 0 |');
    expect(document).toContain('| PostgreSQL driver (pg) | 4300 | 55.1 |');
    expect(document).toContain('sampled by `perf` (1000 samples over every core): postgres 45.4 %, node 37.3 %.');
    expect(document).toContain('| index upkeep | 6.9 |');
    expect(document).toContain('WAL written per paid order (`pg_walinspect`, measured window): 10600 bytes in 98.5 records.');
    expect(document).toContain('| Heap/LOCK | cart | 1.9 |');
    expect(document).toContain('| Transaction/COMMIT | - | 3.2 |');
    expect(document).not.toContain('old figures');
    expect(document.endsWith(`${NOTES_MARKER}\nA profile written by hand.\n`)).toBe(true);
    expect(readFileSync(new URL('performance-checkout.svg', docsFolder), 'utf8')).toContain('<svg');
  });

  it('draws orders/s and p99 against concurrency, one point per level, labelled with its value', () => {
    const svg = checkoutChart([
      { connections: 1, ordersPerSecond: 30, flowP99Ms: 55 },
      { connections: 8, ordersPerSecond: 50, flowP99Ms: 360 },
      { connections: 32, ordersPerSecond: 55, flowP99Ms: 1_200 },
    ]);
    expect(svg.match(/<circle /g)).toHaveLength(6);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    for (const label of ['>30<', '>50<', '>55<', '>360<', '>1200<', '>32<']) expect(svg).toContain(label);
  });
});
