import net from 'node:net';
import autocannon from 'autocannon';

/**
 * HTTP load for POST bodies built per request. Closed loop (N connections, each sends its next request
 * when the last answered) measures capacity, with autocannon: on two cores every microsecond the load
 * generator spends is taken from the API and PostgreSQL, and autocannon spends about a third less per
 * request than Node's http client (64-91 against 108-140 µs here; `bench ledger` reports it).
 * Open loop (requests sent on a fixed schedule whatever the server does) measures latency at an offered
 * rate, timed from the moment each request was due, so that a stalled server cannot hide its queueing
 * (no coordinated omission, which autocannon's rate option does not avoid). Its client writes each
 * request's bytes on a keep-alive socket and reads no more of the answer than its status and length (a
 * few tens of microseconds per request where Node's http client spent 130-190, on the same two cores
 * as the API and PostgreSQL it measures, at 2,000 requests a second a sixth of the machine).
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

function percentile(sorted: number[], fraction: number): number {
  if (!sorted.length) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]! * 100) / 100;
}

/**
 * One keep-alive connection carrying one request at a time. The API answers every ledger request with a
 * Content-Length (JSON), so the answer ends there; one without it closes the connection and counts as a
 * failure, as does a connection that closes with a request in flight.
 */
class RawConnection {
  private readonly socket: net.Socket;
  private received: Buffer = Buffer.alloc(0);
  private answer: ((status: number) => void) | null = null;
  closed = false;

  constructor(port: number, private readonly whenFree: (connection: RawConnection) => void) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      this.closed = true;
      this.settle(0);
    });
  }

  send(request: Buffer, answer: (status: number) => void): void {
    this.answer = answer;
    this.socket.write(request);
  }

  close(): void {
    this.socket.destroy();
  }

  private read(chunk: Buffer): void {
    this.received = this.received.length ? Buffer.concat([this.received, chunk]) : chunk;
    const headEnd = this.received.indexOf('\r\n\r\n');
    if (headEnd < 0) return;
    const head = this.received.toString('latin1', 0, headEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) return void this.socket.destroy();
    const end = headEnd + 4 + Number(length[1]);
    if (this.received.length < end) return;
    this.received = this.received.subarray(end);
    this.settle(Number(head.slice(9, 12)));
  }

  private settle(status: number): void {
    const answer = this.answer;
    if (!answer) return;
    this.answer = null;
    answer(status);
    if (!this.closed) this.whenFree(this);
  }
}

/** Up to `maxSockets` connections; a request due while every one is busy waits for the first to be free. */
class RawClient {
  private readonly free: RawConnection[] = [];
  private readonly all = new Set<RawConnection>();
  private readonly waiting: { request: Buffer; answer: (status: number) => void }[] = [];

  constructor(
    private readonly port: number,
    private readonly maxSockets: number,
  ) {}

  send(request: Buffer, answer: (status: number) => void): void {
    for (let connection = this.free.pop(); connection; connection = this.free.pop()) {
      if (!connection.closed) return connection.send(request, answer);
    }
    for (const connection of this.all) if (connection.closed) this.all.delete(connection);
    if (this.all.size >= this.maxSockets) return void this.waiting.push({ request, answer });
    const connection = new RawConnection(this.port, (freed) => {
      const next = this.waiting.shift();
      if (next) freed.send(next.request, next.answer);
      else this.free.push(freed);
    });
    this.all.add(connection);
    connection.send(request, answer);
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}

function requestBytes(target: LoadTarget, body: string): Buffer {
  const headers = Object.entries(target.headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  return Buffer.from(
    `POST ${target.path} HTTP/1.1\r\nhost: 127.0.0.1:${target.port}\r\n${headers}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
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
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
    latencyMaxMs: percentile(latencies, 1),
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
  const client = new RawClient(target.port, maxSockets);
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
      client.send(requestBytes(target, target.nextBody()), (status) => {
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
