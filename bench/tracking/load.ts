import WebSocket from 'ws';
import { BenchClient } from '../checkout/client.ts';
import { courierPositionSource, type TrackedShipment, type UpdateSource } from './update-source.ts';
import { percentile } from '../lib/percentile.ts';

/**
 * The tracking benchmark's load generator, in a process of its own (forked by index.ts): opens the
 * WebSocket subscribers, then makes updates at a fixed rate and measures, for every delivery of every
 * update to every socket that follows it, the delay from the update's request (and from its answer).
 * Loopback only; bounded by the counts and the duration index.ts gives it.
 */
interface Plan {
  port: number;
  staffToken: string;
  /** One entry per subscriber: the token it authenticates with and the topic it follows. */
  subscribers: { token: string; topic: string }[];
  /** The shipments the couriers ride, each with its courier's token. */
  shipments: TrackedShipment[];
  updatesPerSecond: number;
  seconds: number;
}

const MAX_IN_FLIGHT = 128;
const OPEN_CONCURRENCY = 100;

let plan: Plan;
const sockets: WebSocket[] = [];
const sentAt = new Map<string, number>();
const fromRequest: number[] = [];
const fromChange: number[] = [];
let measuring = false;
let source: UpdateSource;

function openSubscriber(spec: { token: string; topic: string }): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${plan.port}/ws`, { perMessageDeflate: false });
    const timer = setTimeout(() => resolve(false), 30_000);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'auth', token: spec.token })));
    socket.on('error', () => resolve(false));
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString());
      if (message.type === 'authenticated') return socket.send(JSON.stringify({ type: 'subscribe', topic: spec.topic }));
      if (message.type === 'subscribed') {
        clearTimeout(timer);
        sockets.push(socket);
        return resolve(true);
      }
      if (message.type === 'error') return resolve(false);
      if (!measuring) return;
      const key = source.keyOf(message);
      if (key === null) return;
      const now = performance.now();
      const sent = sentAt.get(key);
      if (sent !== undefined) fromRequest.push(now - sent);
      // The change's own time (its transaction, on the database's clock: the same machine's).
      if (typeof message.occurredAt === 'string') fromChange.push(Date.now() - Date.parse(message.occurredAt));
    });
  });
}

async function open(): Promise<{ opened: number; failed: number; seconds: number }> {
  const started = performance.now();
  let opened = 0;
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: OPEN_CONCURRENCY }, async () => {
      while (next < plan.subscribers.length) {
        const spec = plan.subscribers[next++] as { token: string; topic: string };
        if (await openSubscriber(spec)) opened += 1;
        else failed += 1;
      }
    }),
  );
  return { opened, failed, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

async function run() {
  const client = new BenchClient(plan.port);
  const total = plan.updatesPerSecond * plan.seconds;
  source = courierPositionSource(client, plan.shipments, total);
  measuring = true;
  let issued = 0;
  let inFlight = 0;
  let skippedTicks = 0;
  const failures: Record<string, number> = {};
  const started = performance.now();
  const pending: Promise<void>[] = [];
  while (issued < total && performance.now() - started < (plan.seconds + 5) * 1_000) {
    const due = Math.min(total, Math.floor(((performance.now() - started) / 1_000) * plan.updatesPerSecond));
    while (issued < due) {
      if (inFlight >= MAX_IN_FLIGHT) {
        skippedTicks += 1;
        break;
      }
      const update = source.next();
      if (!update) break;
      issued += 1;
      inFlight += 1;
      sentAt.set(update.key, performance.now());
      pending.push(
        update.done.then((status) => {
          inFlight -= 1;
          if (status !== 200) failures[String(status)] = (failures[String(status)] ?? 0) + 1;
        }),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const loadSeconds = (performance.now() - started) / 1_000;
  await Promise.all(pending);
  // Stragglers: deliveries still on their way.
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  measuring = false;
  client.close();
  const requestDelays = [...fromRequest].sort((a, b) => a - b);
  const changeDelays = [...fromChange].sort((a, b) => a - b);
  return {
    updates: issued,
    updatesPerSecond: Math.round(issued / loadSeconds),
    loadSeconds: Math.round(loadSeconds * 10) / 10,
    deliveries: requestDelays.length,
    failures,
    fellBehind: skippedTicks,
    fromRequest: { p50Ms: percentile(requestDelays, 0.5, 1), p90Ms: percentile(requestDelays, 0.9, 1), p99Ms: percentile(requestDelays, 0.99, 1), maxMs: percentile(requestDelays, 1, 1) },
    fromChange: { p50Ms: percentile(changeDelays, 0.5, 1), p90Ms: percentile(changeDelays, 0.9, 1), p99Ms: percentile(changeDelays, 0.99, 1), maxMs: percentile(changeDelays, 1, 1) },
  };
}

process.on('message', (message: { type: string; plan?: Plan }) => {
  if (message.type === 'open') {
    plan = message.plan as Plan;
    void open().then((result) => process.send?.({ opened: result }));
  }
  if (message.type === 'run') void run().then((result) => process.send?.({ results: result }));
  if (message.type === 'close') {
    for (const socket of sockets) socket.terminate();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
