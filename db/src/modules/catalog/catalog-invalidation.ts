import type { Redis } from 'ioredis';
import { subscribeAcrossReconnects } from '../../redis.ts';
import { newId } from '../../ids.ts';
import type { CatalogCache } from './catalog-cache.ts';

/** What catalog writers call after a change commits; the store's cached answers for that shop go. */
export interface CatalogChanges {
  shopChanged(shopId: string): Promise<void>;
}

interface InvalidationMessage {
  shopId: string;
  /** The instance that published it, which has already dropped its own entries. */
  origin: string;
}

function parseMessage(text: string): InvalidationMessage | null {
  try {
    const message = JSON.parse(text) as Partial<InvalidationMessage>;
    return typeof message.shopId === 'string' && typeof message.origin === 'string' ? (message as InvalidationMessage) : null;
  } catch {
    return null;
  }
}

/**
 * Catalog invalidations over Redis pub/sub, so that every API instance drops a shop's cached answers
 * as soon as any instance (or worker) changes that shop's catalog.
 *
 * Publishing goes through the app's ordinary connection; listening needs a connection of its own,
 * because a subscribed connection can run no other command. While that connection is down the cache is
 * switched off: an instance that cannot hear invalidations must not serve from its cache.
 */
export class CatalogInvalidations implements CatalogChanges {
  readonly channel: string;
  private readonly instanceId = newId();
  private subscriber: Redis | null = null;
  private received = 0;

  constructor(
    private readonly redis: Redis,
    keyPrefix: string,
    private readonly cache: CatalogCache,
  ) {
    // ioredis applies keyPrefix to keys only, not to channels; prefix by hand to keep tenants apart.
    this.channel = `${keyPrefix}catalog:invalidations`;
  }

  /** Invalidations heard from other instances since boot (for metrics, and for tests to wait on). */
  get receivedCount(): number {
    return this.received;
  }

  async shopChanged(shopId: string): Promise<void> {
    this.cache.invalidateShop(shopId);
    const message: InvalidationMessage = { shopId, origin: this.instanceId };
    try {
      await this.redis.publish(this.channel, JSON.stringify(message));
    } catch {
      // The write has committed; other instances' entries expire within the cache TTL at the latest.
    }
  }

  /** Subscribes and turns the cache on; resolves once the subscription is active. */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    const subscriber = this.redis.duplicate({ keyPrefix: undefined, maxRetriesPerRequest: null });
    this.subscriber = subscriber;
    subscriber.on('message', (channel: string, text: string) => {
      if (channel !== this.channel) return;
      const message = parseMessage(text);
      if (!message || message.origin === this.instanceId) return;
      this.received += 1;
      this.cache.invalidateShop(message.shopId);
    });
    // Messages published while the connection was down are lost: forget everything, start again.
    subscriber.on('close', () => this.cache.setEnabled(false));
    subscriber.on('error', () => {
      // ioredis reconnects by itself; 'close' above has already switched the cache off.
    });
    // After a reconnect, trust the cache again only once Redis confirms the subscription.
    await subscribeAcrossReconnects(subscriber, this.channel, () => {
      if (this.subscriber === subscriber) this.cache.setEnabled(true);
    });
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = null;
    this.cache.setEnabled(false);
    if (subscriber) subscriber.disconnect();
  }
}
