import autocannon from 'autocannon';
import { RawHttpClient } from '../lib/raw-http-client.ts';
import { percentile } from '../lib/percentile.ts';

/**
 * HTTP load for POST bodies built per request. Closed loop (N connections, each sends its next request
 * when the last answered) measures capacity, with autocannon: on two cores every microsecond the load
 * generator spends is taken from the API and PostgreSQL, and autocannon spends about a third less per
 * request than Node's http client (64-91 against 108-140 µs here; `bench ledger` reports it).
 * Open loop (requests sent on a fixed schedule whatever the server does) measures latency at an offered
 * rate, timed from the moment each request was due, so that a stalled server cannot hide its queueing
 * (no coordinated omission, which autocannon's rate option does not avoid), with the benchmarks' lean
 * client (bench/lib/raw-http-client.ts: at 2,000 requests a second Node's http client took a sixth of
 * the machine).
 */
export interface LoadTarget {
  port: number;
  path: string;
  headers: Record<string, string>;
  /** How many transfers every body carries. */
  transfersPerRequest: number;
  /** The next request body. */
  nextBody(): string;
}

export interface LoadReport {
  requests: number;
  transfers: number;
  failures: number;
  seconds: number;
  requestsPerSecond: number;
  transfersPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  latencyMaxMs: number;
}

function report(latencies: number[], transfers: number, failures: number, seconds: number): LoadReport {
  latencies.sort((a, b) => a - b);
  return {
    requests: latencies.length,
    transfers,
    failures,
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(latencies.length / seconds),
    transfersPerSecond: Math.round(transfers / seconds),
    latencyP50Ms: percentile(latencies, 0.5, 2),
    latencyP99Ms: percentile(latencies, 0.99, 2),
    latencyMaxMs: percentile(latencies, 1, 2),
  };
}

export async function closedLoop(target: LoadTarget, connections: number, durationSeconds: number): Promise<LoadReport> {
  const result = await autocannon({
    url: `http://127.0.0.1:${target.port}${target.path}`,
    connections,
    duration: durationSeconds,
    method: 'POST',
    headers: { ...target.headers, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: target.nextBody() }) }],
  });
  const seconds = result.duration;
  const requests = result.requests.total;
  return {
    requests,
    transfers: result['2xx'] * target.transfersPerRequest,
    failures: result.non2xx + result.errors + result.timeouts,
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(requests / seconds),
    transfersPerSecond: Math.round((result['2xx'] * target.transfersPerRequest) / seconds),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyMaxMs: result.latency.max,
  };
}

export async function openLoop(target: LoadTarget, requestsPerSecond: number, durationSeconds: number, maxSockets = 256): Promise<LoadReport> {
  const client = new RawHttpClient(target.port, maxSockets);
  const total = Math.round(requestsPerSecond * durationSeconds);
  // Preallocated and counted rather than a growing array of promises: the generator shares two cores with
  // what it measures, and a pause of its own collector would count as the server's latency.
  const latencies = new Float64Array(total);
  let answered = 0;
  let transfers = 0;
  let failures = 0;
  let allAnswered: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => {
    allAnswered = resolve;
  });
  if (total === 0) allAnswered();
  const intervalMs = 1000 / requestsPerSecond;
  const started = performance.now();
  let sent = 0;
  while (sent < total) {
    const now = performance.now();
    // Send everything that is due, then sleep until the next request is due.
    while (sent < total && started + sent * intervalMs <= now) {
      const dueAt = started + sent * intervalMs;
      client.send(client.bytes('POST', target.path, target.headers, target.nextBody()), (status) => {
        latencies[answered] = performance.now() - dueAt;
        answered += 1;
        if (status === 200) transfers += target.transfersPerRequest;
        else failures += 1;
        if (answered === total) allAnswered();
      });
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, started + sent * intervalMs - performance.now())));
  }
  await finished;
  client.close();
  return report(Array.from(latencies), transfers, failures, (performance.now() - started) / 1000);
}
