import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Locator, type Page, type Request } from 'playwright-core';
import { expect } from 'vitest';
import { OutboxRelay } from '../../../db/src/outbox/outbox-relay.ts';
import { JobQueues } from '../../../db/src/queues/job-queues.ts';
import { connectRedis, createRedis } from '../../../db/src/redis.ts';
import { startFakeStripeServer } from '../../../db/src/testing/stripe-server/stripe-server.ts';
import { buildTestApp, type TestApp } from './app.ts';
import { serveStripeJsStandIn } from './stripe-js-stand-in.ts';
import { ensureWidgetBuilt } from './widget.ts';

export interface WidgetBrowserOptions {
  /** Settings for buildTestApp, on top of the fake Stripe's when `stripe` is set. */
  env?: Parameters<typeof buildTestApp>[0];
  /**
   * A host chat's page, served on a loopback port of its own (another origin than the API's): as
   * http://localhost:<port> it can be allowed to embed the widget (allowHostPage), as
   * http://127.0.0.1:<port> it stays a stranger.
   */
  hostPage?: (query: URLSearchParams) => string;
  /** The fake Stripe, with the Stripe.js stand-in served by the host page's server, so card payments run offline. */
  stripe?: boolean;
  /** The outbox relay as the workers process runs it, so that GET /ws carries live updates. */
  relay?: { pollIntervalMs: number };
}

export interface WidgetBrowser {
  testApp: TestApp;
  /** The API on a loopback port, serving the built widget. */
  apiUrl: string;
  browser: Browser;
  /** The host page's port (0 without a host page). */
  hostPort: number;
  close(): Promise<void>;
}

/**
 * What every widget test in a real browser starts from: the widget built, the whole API listening on a
 * loopback port, Debian's Chromium, and as asked a host page, the fake Stripe and the outbox relay. On a
 * failure half-way, what was started is closed again before the error is thrown.
 */
export async function startWidgetBrowser(options: WidgetBrowserOptions = {}): Promise<WidgetBrowser> {
  const closers: (() => unknown)[] = [];
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer();
  };
  try {
    await ensureWidgetBuilt();
    const stripe = options.stripe ? await startFakeStripeServer() : null;
    if (stripe) closers.push(() => stripe.close());
    let apiUrl = '';
    let hostPort = 0;
    const hostPage = options.hostPage;
    if (hostPage || stripe) {
      const hostServer: Server = createServer((request, response) => {
        const served = stripe ? serveStripeJsStandIn(request, response, stripe, () => `${apiUrl}/api/webhooks/stripe`) : Promise.resolve(false);
        void served.then((done) => {
          if (!done) response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(hostPage?.(new URL(request.url ?? '/', 'http://host').searchParams) ?? '');
        });
      });
      await new Promise<void>((resolve) => hostServer.listen(0, '127.0.0.1', resolve));
      closers.push(() => new Promise((resolve) => hostServer.close(resolve)));
      hostPort = (hostServer.address() as AddressInfo).port;
    }
    const stripeEnv = stripe ? { STRIPE_API_URL: stripe.url, STRIPE_JS_URL: `http://localhost:${hostPort}/stripe-stand-in.js` } : {};
    const testApp = await buildTestApp({ ...stripeEnv, ...options.env });
    closers.push(() => testApp.close());
    apiUrl = await testApp.app.listen({ port: 0, host: '127.0.0.1' });
    if (options.relay) {
      const queues = new JobQueues(testApp.config);
      closers.push(() => queues.close());
      const publisher = await connectRedis(createRedis(testApp.config), testApp.config.redis.url);
      closers.push(() => publisher.disconnect());
      const wakeSubscriber = await connectRedis(createRedis(testApp.config), testApp.config.redis.url);
      closers.push(() => wakeSubscriber.disconnect());
      const relay = new OutboxRelay({ config: testApp.config, pool: testApp.database.pool, queues, publisher, pollIntervalMs: options.relay.pollIntervalMs, wakeSubscriber });
      relay.start();
      closers.push(() => relay.stop());
    }
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
    closers.push(() => browser.close());
    return { testApp, apiUrl, browser, hostPort, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Lets the host page (as http://localhost:<port>) embed the shop's widget, as its owner does in the console (PUT /api/admin/shops/:id). */
export async function allowHostPage(stand: WidgetBrowser, ownerHeaders: { authorization: string }, shopId: string): Promise<void> {
  const response = await stand.testApp.app.inject({
    method: 'PUT',
    url: `/api/admin/shops/${shopId}`,
    headers: ownerHeaders,
    payload: { allowedEmbedOrigins: [`http://localhost:${stand.hostPort}`] },
  });
  expect(response.statusCode, response.body).toBe(200);
}

/** Each watched page's requests still waiting for their answer, and those that failed. */
const trafficByPage = new WeakMap<Page, { pending: Set<Request>; failed: string[] }>();

/** Keeps track of the page's requests, so that waitOrExplain can say which server the widget still waits on. */
export function watchRequests(page: Page): void {
  const traffic = { pending: new Set<Request>(), failed: [] as string[] };
  page.on('request', (request) => traffic.pending.add(request));
  page.on('requestfinished', (request) => traffic.pending.delete(request));
  page.on('requestfailed', (request) => {
    traffic.pending.delete(request);
    traffic.failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
  });
  trafficByPage.set(page, traffic);
}

/**
 * Waits for an element; on a timeout the error says what the widget showed instead, which of its buttons
 * were disabled, and on a watched page (watchRequests) the requests still waiting and those that failed.
 */
export async function waitOrExplain(page: Page, locator: Locator, timeout?: number): Promise<void> {
  try {
    await locator.waitFor(timeout ? { timeout } : undefined);
  } catch (error) {
    const shown = await page
      .locator('minishop-store')
      .first()
      .evaluate((element) => {
        const panel = element.shadowRoot?.querySelector('.panel');
        const disabled = Array.from(panel?.querySelectorAll('button:disabled') ?? [], (button) => button.textContent);
        return `${panel?.textContent ?? ''}${disabled.length > 0 ? ` (disabled: ${disabled.join(', ')})` : ''}`;
      })
      .catch(() => '(no widget)');
    const lines = [(error as Error).message, `The widget showed: ${shown}`];
    const traffic = trafficByPage.get(page);
    if (traffic) {
      lines.push(`Still waiting: ${[...traffic.pending].map((request) => `${request.method()} ${request.url()}`).join(', ') || 'nothing'}`);
      lines.push(`Failed: ${traffic.failed.join(', ') || 'nothing'}`);
    }
    throw new Error(lines.join('\n'));
  }
}
