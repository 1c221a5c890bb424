import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';

/**
 * Sorts a V8 CPU profile (`node --cpu-prof`) into the buckets a request's time goes to: JSON, schema
 * validation, logging, the PostgreSQL driver, the ORM, Redis, crypto, the HTTP framework, our own code,
 * garbage collection. Each sample is charged to the innermost frame of its stack that belongs to a known
 * bucket (so `JSON.parse` called by the pg driver counts as JSON, and a socket write called by Fastify as
 * the HTTP framework); frames of no bucket (Node internals, V8 builtins) pass the sample to their caller.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const BUCKETS: [string, (frame: ProfileNode['callFrame']) => boolean][] = [
  ['idle', (frame) => frame.functionName === '(idle)'],
  ['garbage collection', (frame) => frame.functionName === '(garbage collector)'],
  ['JSON (parse, stringify, serializers)', (frame) => (frame.url === '' && /^(parse|stringify|JSONParse|JSONStringify)$/.test(frame.functionName)) || /secure-json-parse|fast-json-stringify/.test(frame.url)],
  ['validation (Ajv, TypeBox)', (frame) => /node_modules\/(ajv|ajv-formats|@sinclair\/typebox|fast-uri)\//.test(frame.url)],
  ['logging (pino)', (frame) => /node_modules\/(pino|pino-std-serializers|sonic-boom|thread-stream)\//.test(frame.url)],
  ['PostgreSQL driver (pg)', (frame) => /node_modules\/(pg|pg-protocol|pg-pool|pg-types|postgres-array|postgres-date)\//.test(frame.url)],
  ['ORM (MikroORM, Knex)', (frame) => /node_modules\/(@mikro-orm|knex)\//.test(frame.url)],
  ['Redis (ioredis)', (frame) => /node_modules\/(ioredis|redis-parser|bullmq)\//.test(frame.url)],
  ['crypto (hashes, JWT)', (frame) => /node_modules\/jose\//.test(frame.url) || /^node:(internal\/)?crypto/.test(frame.url)],
  ['HTTP framework (Fastify and plugins)', (frame) => /node_modules\/(fastify|@fastify\/[^/]+|find-my-way|avvio|light-my-request|helmet|fastify-plugin|toad-cache)\//.test(frame.url)],
  ['ledger code (db/src/modules/ledger)', (frame) => frame.url.includes('/db/src/modules/ledger/')],
  ['other application code (api/src, db/src)', (frame) => /\/(api|db|workers)\/src\//.test(frame.url)],
  ['module loader (tsx)', (frame) => /node_modules\/(tsx|esbuild|get-tsconfig)\//.test(frame.url)],
  ['other dependencies', (frame) => frame.url.includes('/node_modules/')],
];

export interface CpuProfileSummary {
  totalMs: number;
  /** CPU milliseconds per bucket, idle excluded from `busyShare`. */
  milliseconds: Record<string, number>;
  busyShare: Record<string, number>;
  /** The functions with the most self time (leaf frames, before bucketing), for a first look. */
  topFunctions: { function: string; bucket: string; ms: number }[];
}

/**
 * The benchmarks run our code compiled into bundles (bench/lib/bench-process.ts), so a frame of ours names a
 * bundle; its source map (esbuild writes one beside each file) gives back the source file it came from, which
 * is what the buckets look at.
 */
function sourceUrls(): (frame: ProfileNode['callFrame']) => string {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (url: string): SourceMap | null => {
    if (!maps.has(url)) {
      const mapFile = `${fileURLToPath(url)}.map`;
      maps.set(url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
    }
    return maps.get(url)!;
  };
  return (frame) => {
    if (!frame.url.startsWith('file://') || !frame.url.includes('/dist/')) return frame.url;
    const entry = mapOf(frame.url)?.findEntry(frame.lineNumber, frame.columnNumber);
    return entry && 'originalSource' in entry ? entry.originalSource : frame.url;
  };
}

export function summariseCpuProfile(path: string): CpuProfileSummary {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const sourceUrl = sourceUrls();
  for (const node of profile.nodes) node.callFrame.url = sourceUrl(node.callFrame);
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const bucketOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = bucketOf.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const own = BUCKETS.find(([, matches]) => matches(node.callFrame))?.[0];
    const parentId = parent.get(id);
    const bucket = own ?? (parentId === undefined ? 'Node runtime (sockets, streams, timers, V8)' : resolve(parentId));
    bucketOf.set(id, bucket);
    return bucket;
  };
  const microseconds = new Map<string, number>();
  const selfMicroseconds = new Map<number, number>();
  profile.samples.forEach((id, index) => {
    const bucket = resolve(id);
    microseconds.set(bucket, (microseconds.get(bucket) ?? 0) + (profile.timeDeltas[index] ?? 0));
    selfMicroseconds.set(id, (selfMicroseconds.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  const byFunction = new Map<string, { function: string; bucket: string; microseconds: number }>();
  for (const [id, value] of selfMicroseconds) {
    const { functionName, url } = byId.get(id)!.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^.*\/(api|db|workers)\/src\//, '$1/src/')}`.trim();
    const entry = byFunction.get(name) ?? { function: name, bucket: resolve(id), microseconds: 0 };
    entry.microseconds += value;
    byFunction.set(name, entry);
  }
  const topFunctions = [...byFunction.values()]
    .filter((entry) => entry.bucket !== 'idle')
    .sort((a, b) => b.microseconds - a.microseconds)
    .slice(0, 15)
    .map((entry) => ({ function: entry.function, bucket: entry.bucket, ms: Math.round(entry.microseconds / 1000) }));
  const milliseconds: Record<string, number> = {};
  const busyShare: Record<string, number> = {};
  const busyMicroseconds = [...microseconds].filter(([bucket]) => bucket !== 'idle').reduce((sum, [, value]) => sum + value, 0);
  for (const [bucket, value] of [...microseconds].sort((a, b) => b[1] - a[1])) {
    milliseconds[bucket] = Math.round(value / 1000);
    if (bucket !== 'idle') busyShare[bucket] = Math.round((value / Math.max(busyMicroseconds, 1)) * 1000) / 10;
  }
  return { totalMs: Math.round((profile.endTime - profile.startTime) / 1000), milliseconds, busyShare, topFunctions };
}
