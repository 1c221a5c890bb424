import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../../db/src/config.ts';
import { allEventsChannel, type OutboxMessage } from '../../../db/src/outbox/outbox.ts';
import { subscriptionKey, topicEventsOf } from '../../../db/src/modules/realtime/realtime-topics.ts';
import { newId } from '../../../db/src/ids.ts';
import { connectRedis, createRedis, subscribeAcrossReconnects } from '../../../db/src/redis.ts';
import { settledWithin } from '../../../db/src/settled-within.ts';
import { CLOSE_CODES, type RealtimeConnection, type Subscription } from './realtime-connection.ts';

export interface RealtimeStats {
  connections: number;
  subscriptions: number;
  droppedSlowConsumers: number;
  deadSocketsClosed: number;
  /** Subscriptions that caught up from the database after the Redis subscription came back. */
  caughtUp: number;
}

/**
 * One per API instance: a single Redis subscription to the outbox's event channel, fanned out in memory
 * to the subscriptions of this instance's sockets (so any number of instances serve subscribers), plus
 * the heartbeat and the shutdown of every socket. Each event is serialised once per topic, not per socket.
 */
export class RealtimeHub {
  private readonly connections = new Set<RealtimeConnection>();
  private readonly subscriptionsByKey = new Map<string, Set<Subscription>>();
  private subscriber: Redis | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private hasBeenReady = false;
  closing = false;
  private readonly counters = { droppedSlowConsumers: 0, deadSocketsClosed: 0, caughtUp: 0 };
  /** The Redis client name of this instance's subscription, for operators (CLIENT LIST) and tests. */
  readonly subscriberName: string;

  constructor(
    private readonly config: Pick<Config, 'redis' | 'realtime'>,
    private readonly logger: FastifyBaseLogger,
  ) {
    this.subscriberName = `${this.config.redis.keyPrefix}realtime-hub-${newId()}`;
  }

  async start(): Promise<void> {
    const connection = createRedis(this.config, { maxRetriesPerRequest: null });
    connection.options.connectionName = this.subscriberName;
    // Every reconnect makes each subscription read the database; spacing them out spares both.
    connection.options.retryStrategy = (attempt) => Math.min(1_000 * attempt, 5_000);
    const subscriber = await connectRedis(connection, this.config.redis.url, { logger: this.logger, connection: 'realtime subscriber' });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, text: string) => this.dispatch(text));
    // The subscription is renewed after a reconnect (subscribeAcrossReconnects), but what was published
    // meanwhile is gone from Redis: every subscription catches up from the database, as a reconnecting client would.
    subscriber.on('ready', () => {
      if (this.hasBeenReady) for (const connection of this.connections) this.counters.caughtUp += connection.catchUp();
      this.hasBeenReady = true;
    });
    await subscribeAcrossReconnects(subscriber, allEventsChannel(this.config));
    this.hasBeenReady = true;
    this.heartbeat = setInterval(() => this.beat(), this.config.realtime.heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  add(connection: RealtimeConnection): void {
    this.connections.add(connection);
  }

  remove(connection: RealtimeConnection): void {
    this.connections.delete(connection);
  }

  file(subscription: Subscription): void {
    let set = this.subscriptionsByKey.get(subscription.key);
    if (!set) this.subscriptionsByKey.set(subscription.key, (set = new Set()));
    set.add(subscription);
  }

  unfile(subscription: Subscription): void {
    const set = this.subscriptionsByKey.get(subscription.key);
    if (!set) return;
    set.delete(subscription);
    if (set.size === 0) this.subscriptionsByKey.delete(subscription.key);
  }

  /** Whether the Redis subscription is up (it is down between a disconnection and the reconnect). */
  isListening(): boolean {
    return this.subscriber?.status === 'ready';
  }

  countDroppedSlowConsumer(): void {
    this.counters.droppedSlowConsumers += 1;
  }

  stats(): RealtimeStats {
    let subscriptions = 0;
    for (const set of this.subscriptionsByKey.values()) subscriptions += set.size;
    return { connections: this.connections.size, subscriptions, ...this.counters };
  }

  /** One outbox message from Redis to every subscription it concerns on this instance. */
  dispatch(text: string): void {
    let message: OutboxMessage;
    try {
      message = JSON.parse(text) as OutboxMessage;
    } catch {
      return;
    }
    // A message without a position (a relay of an older release during a deploy) cannot be resumed from.
    if (typeof message.publishedSequence !== 'number') return;
    for (const routed of topicEventsOf(message)) {
      const subscriptions = this.subscriptionsByKey.get(subscriptionKey(routed.event.topic, routed.merchantId));
      if (!subscriptions) continue;
      const serialised = JSON.stringify(routed.event);
      for (const subscription of subscriptions) subscription.deliver(routed.position, serialised);
    }
  }

  /** A socket that did not answer the last ping is dead: closed without waiting for its handshake. */
  private beat(): void {
    for (const connection of this.connections) {
      if (connection.heartbeat()) continue;
      this.counters.deadSocketsClosed += 1;
    }
  }

  /** Shutdown: every socket is told 1001 (going away) and given a moment to close; then the subscription goes. */
  async close(graceMs = 2_000): Promise<void> {
    this.closing = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    const closed = [...this.connections].map((connection) => connection.close(CLOSE_CODES.goingAway, 'server shutting down'));
    await settledWithin(Promise.all(closed), graceMs);
    for (const connection of this.connections) connection.terminate();
    this.subscriber?.disconnect();
    this.subscriber = null;
  }
}
