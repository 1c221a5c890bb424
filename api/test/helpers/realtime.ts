import WebSocket from 'ws';

/** Anything the server sent: protocol answers (`type` authenticated/subscribed/error/...) and topic events. */
export type ServerMessage = { type: string; topic?: string; code?: string; eventId?: string; payload?: { ids: string[] } & Record<string, any> } & Record<string, any>;

/**
 * A real WebSocket client on a real port, recording every message, for the live-update tests: waits for a
 * message that matches, or for the close (with its code).
 */
export class TestSocket {
  readonly messages: ServerMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      this.messages.push(JSON.parse(data.toString()));
      for (const waiter of this.waiters.splice(0)) waiter();
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static open(port: number, options: WebSocket.ClientOptions = {}): Promise<TestSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/ws`, options);
    const client = new TestSocket(socket);
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(client));
      socket.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
      socket.once('error', reject);
    });
  }

  /** Opens a socket and authenticates it with the token. */
  static async authenticated(port: number, token: string): Promise<TestSocket> {
    const client = await TestSocket.open(port);
    client.send({ type: 'auth', token });
    await client.next((message) => message.type === 'authenticated');
    return client;
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The first message since index `from` that matches (waiting for it); fails after the timeout. */
  async next(match: (message: ServerMessage) => boolean, options: { from?: number; timeoutMs?: number } = {}): Promise<ServerMessage> {
    const deadline = Date.now() + (options.timeoutMs ?? 5_000);
    for (;;) {
      const found = this.messages.slice(options.from ?? 0).find(match);
      if (found) return found;
      const remainingMs = deadline - Date.now();
      if (remainingMs <= 0) throw new Error(`no matching message within the time; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remainingMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Subscribes and waits for the answer: `subscribed` or `error` for that topic. */
  async subscribe(topic: string, lastEventId?: string): Promise<ServerMessage> {
    const from = this.messages.length;
    this.send({ type: 'subscribe', topic, ...(lastEventId === undefined ? {} : { lastEventId }) });
    return this.next((message) => (message.type === 'subscribed' || message.type === 'error') && message.topic === topic, { from });
  }

  /** The topic events (not protocol answers) received for a topic. */
  eventsOf(topic: string): ServerMessage[] {
    return this.messages.filter((message) => message.topic === topic && message.eventId !== undefined && message.type !== 'subscribed');
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close();
    return this.closed;
  }
}
