import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Actor } from '../../../db/src/actor.ts';
import type { Config } from '../../../db/src/config.ts';
import { DomainError, UnauthorizedError, ValidationError } from '../../../db/src/errors.ts';
import { TooManySubscriptionsError, UnknownTopicError } from '../../../db/src/modules/realtime/realtime.errors.ts';
import { AuthMessage, SubscribeMessage, UnsubscribeMessage } from '../../../db/src/modules/realtime/realtime.schemas.ts';
import type { RealtimeService, RealtimeViewer } from '../../../db/src/modules/realtime/realtime.service.ts';
import { parseTopic, subscriptionKey, type Topic } from '../../../db/src/modules/realtime/realtime-topics.ts';
import type { RealtimeHub } from './realtime-hub.ts';

/** Close codes of GET /ws (docs/realtime.md): the standard ones plus 44xx mirroring HTTP. */
export const CLOSE_CODES = {
  /** The server is shutting down: reconnect (to another instance) and resume. */
  goingAway: 1001,
  /** The client did not read fast enough; its send buffer passed REALTIME_MAX_BUFFERED_BYTES. */
  slowConsumer: 1013,
  /** No valid token in time, a bad token, or the token expired. */
  unauthorized: 4401,
} as const;

export interface ConnectionDependencies {
  config: Pick<Config, 'realtime'>;
  realtime: RealtimeService;
  hub: RealtimeHub;
  logger: FastifyBaseLogger;
  /** The staff guard's and the shopper guard's token checks, in that order. */
  authenticate(token: string): Promise<Actor>;
}

/** Live events that arrive while a subscription is being set up wait here, up to this many. */
const MAX_EVENTS_WHILE_STARTING = 1_000;

/**
 * One topic followed by one socket. Its cursor is the last position it has accounted for, so a live
 * event already covered by the snapshot or the replay, or a message Redis delivered twice, is skipped.
 */
export class Subscription {
  cursor = 0;
  /** Non-null while the snapshot or replay is being read: live events queue here meanwhile. */
  private waiting: { position: number; serialised: string }[] | null = [];

  constructor(
    readonly topic: Topic,
    readonly topicName: string,
    readonly key: string,
    private readonly connection: RealtimeConnection,
  ) {}

  deliver(position: number, serialised: string): void {
    if (this.waiting) {
      if (this.waiting.length >= MAX_EVENTS_WHILE_STARTING) return this.connection.dropSlowConsumer();
      this.waiting.push({ position, serialised });
      return;
    }
    if (position <= this.cursor) return;
    this.cursor = position;
    this.connection.send(serialised);
  }

  /** Queue live events again (a catch-up after Redis came back). */
  pause(): void {
    this.waiting ??= [];
  }

  /** The start has been sent: from `position` on, the live events (those queued first) follow. */
  resume(position: number): void {
    const waiting = this.waiting ?? [];
    this.waiting = null;
    this.cursor = Math.max(this.cursor, position);
    for (const event of waiting) this.deliver(event.position, event.serialised);
  }
}

/**
 * The protocol of one socket (docs/realtime.md): authenticate with the first message, then subscribe and
 * unsubscribe. Messages are handled one at a time, in order. Every send goes through `send`, which drops
 * a client whose unsent data passes the limit instead of letting it grow.
 */
export class RealtimeConnection {
  private viewer: RealtimeViewer | null = null;
  private viewerKey: string | null = null;
  private readonly subscriptions = new Map<string, Subscription>();
  private queue: Promise<void> = Promise.resolve();
  private alive = true;
  private closed = false;
  private authTimer: NodeJS.Timeout | null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private readonly closedPromise: Promise<void>;

  constructor(
    private readonly socket: WebSocket,
    private readonly dependencies: ConnectionDependencies,
  ) {
    const { hub, config } = dependencies;
    hub.add(this);
    this.closedPromise = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('close', () => this.dispose());
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('message', (data, isBinary) => {
      this.queue = this.queue.then(() => this.handle(data, isBinary)).catch((error: unknown) => this.dependencies.logger.error({ err: error }, 'realtime: message handling failed'));
    });
    this.authTimer = setTimeout(() => void this.close(CLOSE_CODES.unauthorized, 'authentication timed out'), config.realtime.authTimeoutMs);
    this.authTimer.unref();
  }

  /** Sends unless the client is not keeping up; then it is dropped and nothing more is queued for it. */
  send(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.dependencies.config.realtime.maxBufferedBytes) return this.dropSlowConsumer();
    this.socket.send(text);
  }

  dropSlowConsumer(): void {
    if (this.closed) return;
    this.dependencies.hub.countDroppedSlowConsumer();
    void this.close(CLOSE_CODES.slowConsumer, 'slow consumer: send buffer full');
    // The close frame waits behind the unread data; a client that never reads loses the socket anyway.
    setTimeout(() => this.terminate(), 2_000).unref();
  }

  /** The hub's heartbeat: false (and the socket terminated) when the last ping went unanswered. */
  heartbeat(): boolean {
    if (!this.alive) {
      this.terminate();
      return false;
    }
    this.alive = false;
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
    return true;
  }

  /** Closes with a code; resolves when the socket has closed (the caller bounds the wait). */
  close(code: number, reason: string): Promise<void> {
    this.dispose();
    if (this.socket.readyState === this.socket.OPEN || this.socket.readyState === this.socket.CONNECTING) this.socket.close(code, reason);
    return this.closedPromise;
  }

  terminate(): void {
    this.dispose();
    this.socket.terminate();
  }

  /** Redis lost messages while it was away: every subscription catches up from the database. */
  catchUp(): number {
    if (this.closed || !this.viewer) return 0;
    for (const subscription of this.subscriptions.values()) {
      subscription.pause();
      this.queue = this.queue.then(() => this.startSubscription(subscription, subscription.cursor, false)).catch((error: unknown) => this.sendError(error, subscription.topicName));
    }
    return this.subscriptions.size;
  }

  private dispose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.authTimer) clearTimeout(this.authTimer);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    for (const subscription of this.subscriptions.values()) this.dependencies.hub.unfile(subscription);
    this.subscriptions.clear();
    this.dependencies.hub.remove(this);
  }

  private sendObject(value: object): void {
    this.send(JSON.stringify(value));
  }

  private sendError(error: unknown, topic?: string): void {
    if (!(error instanceof DomainError)) {
      this.dependencies.logger.error({ err: error }, 'realtime: unexpected error');
      this.sendObject({ type: 'error', code: 'internal_error', message: 'Something went wrong; try again.', ...(topic ? { topic } : {}) });
      return;
    }
    this.sendObject({ type: 'error', code: error.code, message: error.message, ...(topic ? { topic } : {}), ...(error.fields ? { errors: error.fields } : {}) });
  }

  private async handle(data: RawData, isBinary: boolean): Promise<void> {
    if (this.closed) return;
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(data.toString());
    } catch {
      message = undefined;
    }
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (!this.viewer && type !== 'auth') return void this.close(CLOSE_CODES.unauthorized, 'send {"type":"auth","token":...} first');
    try {
      switch (type) {
        case 'auth':
          return await this.authenticate(checked(AuthMessage, message).token);
        case 'subscribe': {
          const subscribe = checked(SubscribeMessage, message);
          return await this.subscribe(subscribe.topic, subscribe.lastEventId === undefined ? null : Number(subscribe.lastEventId));
        }
        case 'unsubscribe':
          return this.unsubscribe(checked(UnsubscribeMessage, message).topic);
        default:
          throw new ValidationError({ type: 'must be "auth", "subscribe" or "unsubscribe"' }, 'unknown_message_type');
      }
    } catch (error) {
      this.sendError(error, typeof (message as { topic?: unknown })?.topic === 'string' ? (message as { topic: string }).topic : undefined);
    }
  }

  private async authenticate(token: string): Promise<void> {
    let viewer: RealtimeViewer;
    try {
      viewer = this.dependencies.realtime.viewerOf(await this.dependencies.authenticate(token));
    } catch (error) {
      if (!this.viewer) {
        // The reason tells the client which token to send; nothing else is said before authentication.
        const reason = error instanceof DomainError ? error.code : 'invalid_token';
        return void this.close(CLOSE_CODES.unauthorized, reason);
      }
      throw error;
    }
    const key = viewer.type === 'merchant' ? `merchant:${viewer.merchantId}` : `shopper:${viewer.shopperId}`;
    // A fresh token extends the socket's life; it cannot turn the socket into someone else's.
    if (this.viewerKey !== null && this.viewerKey !== key) throw new UnauthorizedError('viewer_changed', 'A socket keeps the identity it authenticated with; open a new one.');
    this.viewer = viewer;
    this.viewerKey = key;
    if (this.authTimer) clearTimeout(this.authTimer);
    this.authTimer = null;
    const expiresAtMs = tokenExpiresAtMs(token);
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    if (expiresAtMs !== null) {
      this.expiryTimer = setTimeout(() => void this.close(CLOSE_CODES.unauthorized, 'token_expired'), Math.max(0, Math.min(expiresAtMs - Date.now(), 2_147_000_000)));
      this.expiryTimer.unref();
    }
    this.sendObject({ type: 'authenticated', viewer, expiresAt: expiresAtMs === null ? null : new Date(expiresAtMs).toISOString() });
  }

  private async subscribe(topicName: string, lastEventId: number | null): Promise<void> {
    const viewer = this.viewer as RealtimeViewer;
    const topic = parseTopic(topicName);
    if (!topic) throw new UnknownTopicError();
    const existing = this.subscriptions.get(topicName);
    if (existing) this.removeSubscription(existing);
    const limit = this.dependencies.config.realtime.maxSubscriptionsPerSocket;
    if (this.subscriptions.size >= limit) throw new TooManySubscriptionsError(limit);
    const subscription = new Subscription(topic, topicName, subscriptionKey(topicName, viewer.type === 'merchant' ? viewer.merchantId : null), this);
    // Filed before the database is read, so nothing published meanwhile is missed: it waits in the queue.
    this.subscriptions.set(topicName, subscription);
    this.dependencies.hub.file(subscription);
    await this.startSubscription(subscription, lastEventId, true);
  }

  private async startSubscription(subscription: Subscription, lastEventId: number | null, acknowledge: boolean): Promise<void> {
    if (this.closed || this.subscriptions.get(subscription.topicName) !== subscription) return;
    let start;
    try {
      start = await this.dependencies.realtime.start(this.viewer as RealtimeViewer, subscription.topic, lastEventId);
    } catch (error) {
      this.removeSubscription(subscription);
      throw error;
    }
    if (this.subscriptions.get(subscription.topicName) !== subscription) return;
    if (acknowledge || !start.resumed) this.sendObject({ type: 'subscribed', topic: start.topic, eventId: String(start.position), resumed: start.resumed });
    for (const event of start.events) this.sendObject(event);
    subscription.resume(start.position);
  }

  private unsubscribe(topicName: string): void {
    const subscription = this.subscriptions.get(topicName);
    if (subscription) this.removeSubscription(subscription);
    this.sendObject({ type: 'unsubscribed', topic: topicName });
  }

  private removeSubscription(subscription: Subscription): void {
    this.subscriptions.delete(subscription.topicName);
    this.dependencies.hub.unfile(subscription);
  }
}

/** The message checked against its schema; the first problem becomes a field-named validation error. */
function checked<Schema extends TSchema>(schema: Schema, message: unknown): import('@sinclair/typebox').Static<Schema> {
  if (Value.Check(schema, message)) return message as import('@sinclair/typebox').Static<Schema>;
  const first = Value.Errors(schema, message).First();
  const field = first?.path.replace(/^\//, '').replace(/\//g, '.') || 'message';
  throw new ValidationError({ [field]: first?.message ?? 'is invalid' });
}

/** A verified JWT's `exp`, in milliseconds; null for tokens without one (API keys). */
function tokenExpiresAtMs(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1_000 : null;
  } catch {
    return null;
  }
}
