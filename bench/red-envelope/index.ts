import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { createTestEnvironment, prepareTemplateDatabase } from '../../db/src/testing/databases.ts';
import { benchProcessEnvironment, startBenchProcess } from '../lib/bench-process.ts';

/**
 * `npm run bench -- red-envelope [--claimers=500] [--shares=100] [--rounds=3] [--pool=10]`: one hot red
 * envelope (docs/social.md §1.4). The API runs in its own process on a throwaway database; `claimers`
 * members of one chat group, signed in through a registered chat host, all claim the same envelope at
 * once over HTTP (one keep-alive socket each, fired together). Per round: claims/s over the whole burst,
 * p50/p99 latency of every claim, winners (201) and refusals (409 exhausted). A first warm-up round is
 * not kept; the median round (by claims/s) is the headline. Every round checks that exactly `shares`
 * claims won and that their amounts sum to the envelope's amount.
 */
const flag = (name: string, fallback: string) => Number(process.argv.find((argument) => argument.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const claimerCount = flag('claimers', '500');
const shareCount = flag('shares', '100');
const rounds = flag('rounds', '3');
const poolMax = flag('pool', '10');
const AMOUNT_MINOR = 100_000;
if (!Number.isSafeInteger(claimerCount) || claimerCount < 2 || claimerCount > 5_000) throw new Error('--claimers must be 2 .. 5,000');
if (!Number.isSafeInteger(shareCount) || shareCount < 1 || shareCount > 200) throw new Error('--shares must be 1 .. 200 (RED_ENVELOPE_MAX_SHARES)');
if (!Number.isSafeInteger(rounds) || rounds < 1 || rounds > 20) throw new Error('--rounds must be 1 .. 20');

interface Member {
  shopperId: string;
  authorization: string;
  proof: { provider: 'host'; hostId: string; token: string };
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

/** One claim over HTTP: its status, its amount when it won, and how long it took. */
function claim(agent: Agent, port: number, envelopeId: string, member: Member): Promise<{ status: number; amountMinor: number | null; milliseconds: number }> {
  const body = JSON.stringify({ group: member.proof });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/store/red-envelopes/${envelopeId}/claims`,
        headers: { authorization: member.authorization, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const status = response.statusCode ?? 0;
          const answer = status === 201 ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { claim: { amountMinor: number } }) : null;
          resolve({ status, amountMinor: answer?.claim.amountMinor ?? null, milliseconds: performance.now() - started });
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const percentile = (sorted: number[], fraction: number) => sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)]!;

await prepareTemplateDatabase();
const environment = await createTestEnvironment({ DATABASE_POOL_MAX: String(poolMax), LOG_LEVEL: 'silent' });
const report: Record<string, unknown> = {
  measuredAt: new Date().toISOString(),
  machine: { cpus: cpus().length, loadAverageBefore: loadavg() },
  settings: { claimers: claimerCount, shares: shareCount, amountMinor: AMOUNT_MINOR, mode: 'fair', rounds, databasePoolMax: poolMax, transport: 'HTTP/1.1 keep-alive, one socket per claimer' },
};
let server: ChildProcess | null = null;
try {
  // Compiled and run as production runs it (bench/lib/bench-process.ts); its first message is `ready`, with its port.
  const api = await startBenchProcess(new URL('./server.ts', import.meta.url), {
    environment: benchProcessEnvironment(environment, {
      DATABASE_POOL_MAX: String(poolMax),
      // The burst comes from one address: the per-address limiter is not what is measured here.
      RATE_LIMIT_MAX_PER_MINUTE: '1000000',
      AUTH_RATE_LIMIT_MAX_PER_MINUTE: '1000000',
    }),
    platform: true,
  });
  server = api.child;
  const { port } = api.message as { type: 'ready'; port: number };
  console.log(`Signing in ${claimerCount} group members through the chat host ...`);
  server.send({ type: 'members', claimers: claimerCount });
  const { members } = await nextMessage<{ members: Member[] }>(server, 'members');
  const agent = new Agent({ keepAlive: true, maxSockets: claimerCount });

  const kept: Record<string, number | string>[] = [];
  for (let round = 0; round <= rounds; round += 1) {
    server.send({ type: 'envelope', amountMinor: AMOUNT_MINOR, shareCount });
    const { envelopeId } = await nextMessage<{ envelopeId: string }>(server, 'envelope');
    const started = performance.now();
    const answers = await Promise.all(members.map((member) => claim(agent, port, envelopeId, member)));
    const seconds = (performance.now() - started) / 1000;
    const winners = answers.filter((answer) => answer.status === 201);
    const exhausted = answers.filter((answer) => answer.status === 409).length;
    const other = answers.length - winners.length - exhausted;
    const wonMinor = winners.reduce((sum, answer) => sum + answer.amountMinor!, 0);
    if (winners.length !== shareCount || wonMinor !== AMOUNT_MINOR || other !== 0) {
      throw new Error(`round ${round}: ${winners.length} winners for ${shareCount} shares, ${wonMinor} of ${AMOUNT_MINOR} paid out, ${other} unexpected answers`);
    }
    const latencies = answers.map((answer) => answer.milliseconds).sort((left, right) => left - right);
    const winnerLatencies = winners.map((answer) => answer.milliseconds).sort((left, right) => left - right);
    const figures = {
      round: round === 0 ? 'warm-up' : round,
      seconds: Math.round(seconds * 1000) / 1000,
      claimsPerSecond: Math.round(answers.length / seconds),
      winningClaimsPerSecond: Math.round(winners.length / seconds),
      p50Ms: Math.round(percentile(latencies, 0.5)),
      p99Ms: Math.round(percentile(latencies, 0.99)),
      maxMs: Math.round(latencies.at(-1)!),
      winnerP99Ms: Math.round(percentile(winnerLatencies, 0.99)),
      winners: winners.length,
      refusedExhausted: exhausted,
      loadAverage1Minute: Math.round(loadavg()[0]! * 100) / 100,
    };
    console.log(JSON.stringify(figures));
    if (round > 0) kept.push(figures);
  }
  agent.destroy();
  const byThroughput = [...kept].sort((left, right) => Number(left.claimsPerSecond) - Number(right.claimsPerSecond));
  const median = byThroughput[Math.floor(byThroughput.length / 2)]!;
  report.rounds = kept;
  report.median = median;
  report.machine = { ...(report.machine as object), loadAverageAfter: loadavg() };
  console.log(`median round: ${median.claimsPerSecond} claims/s, p50 ${median.p50Ms} ms, p99 ${median.p99Ms} ms (${claimerCount} claimers, ${shareCount} shares)`);
  mkdirSync(new URL('../results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('../results/red-envelope.json', import.meta.url), `${JSON.stringify(report, null, 2)}\n`);
} finally {
  if (server && server.exitCode === null) {
    server.send({ type: 'close' });
    await new Promise((resolve) => server!.once('exit', resolve));
  }
  await environment.cleanup();
}
