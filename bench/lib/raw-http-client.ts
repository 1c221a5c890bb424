import net from 'node:net';

/**
 * The benchmarks' HTTP/1.1 client: each request's bytes written as they are on a keep-alive socket, each
 * answer read as far as its status line, its Content-Length and that many bytes of body. On two cores
 * every microsecond the load generator spends is taken from the API and PostgreSQL it measures, and Node's
 * http client spent 130-190 µs per request here against a few tens for this one. The API answers with a
 * Content-Length (or with no body: 204, 304); an answer without one (chunked) closes its connection and
 * counts as a failure (status 0), as does a connection that closes with a request in flight.
 */
export type Answer = (status: number, body: Buffer) => void;

const EMPTY = Buffer.alloc(0);

class RawConnection {
  private readonly socket: net.Socket;
  private received: Buffer = EMPTY;
  private answer: Answer | null = null;
  closed = false;

  constructor(port: number, private readonly whenFree: (connection: RawConnection) => void) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.read(chunk));
    this.socket.on('error', () => this.socket.destroy());
    this.socket.on('close', () => {
      this.closed = true;
      this.settle(0, EMPTY);
    });
  }

  send(request: Buffer, answer: Answer): void {
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
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length && status !== 204 && status !== 304) return void this.socket.destroy();
    const bodyStart = headEnd + 4;
    const end = bodyStart + (length ? Number(length[1]) : 0);
    if (this.received.length < end) return;
    const body = this.received.subarray(bodyStart, end);
    this.received = this.received.length > end ? this.received.subarray(end) : EMPTY;
    this.settle(status, body);
  }

  /** Answers the request in flight, if any, then tells the client this connection is free (or closed). */
  private settle(status: number, body: Buffer): void {
    const answer = this.answer;
    this.answer = null;
    answer?.(status, body);
    this.whenFree(this);
  }
}

/**
 * Up to `maxSockets` connections; a request sent while every one is busy waits for the first to be free, or
 * for a new connection when one closes.
 */
export class RawHttpClient {
  private readonly free: RawConnection[] = [];
  private readonly all = new Set<RawConnection>();
  private readonly waiting: { request: Buffer; answer: Answer }[] = [];

  constructor(
    readonly port: number,
    private readonly maxSockets = 256,
  ) {}

  /** A request's bytes, built once: `body` is sent as JSON when given. */
  bytes(method: string, path: string, headers: Record<string, string>, body?: string): Buffer {
    let head = `${method} ${path} HTTP/1.1\r\nhost: 127.0.0.1:${this.port}\r\n`;
    for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
    if (body === undefined) return Buffer.from(`${head}\r\n`);
    return Buffer.from(`${head}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }

  send(request: Buffer, answer: Answer): void {
    for (let connection = this.free.pop(); connection; connection = this.free.pop()) {
      if (!connection.closed) return connection.send(request, answer);
    }
    if (this.all.size >= this.maxSockets) return void this.waiting.push({ request, answer });
    const connection = new RawConnection(this.port, (freed) => {
      if (freed.closed) this.all.delete(freed);
      const next = this.waiting.shift();
      if (!next) {
        if (!freed.closed) this.free.push(freed);
      } else if (freed.closed) this.send(next.request, next.answer);
      else freed.send(next.request, next.answer);
    });
    this.all.add(connection);
    connection.send(request, answer);
  }

  close(): void {
    for (const connection of this.all) connection.close();
  }
}
