import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { canonicalParameters, decodeForm, type FormObject } from './form-encoding.ts';
import { authenticationError, idempotencyError, StripeApiError, unknownRoute } from './stripe-api-errors.ts';
import { FakeStripeAccount, type PaymentFailure } from './stripe-account.ts';
import { stripeId, type EventRequest } from './stripe-objects.ts';

/**
 * A Stripe-compatible API on loopback for tests: the real `stripe` SDK talks to it over HTTP (form-encoded
 * bodies, Stripe's response and error shapes, Idempotency-Key semantics), and tests drive it through plain
 * methods: succeed or fail a payment intent, deliver a signed webhook, read the requests it received.
 */
export interface FakeStripeServerOptions {
  /** Only this secret key is accepted; by default any `sk_test_` key is. */
  apiKey?: string;
  /** The secret webhooks are signed with (our STRIPE_WEBHOOK_SECRET). */
  webhookSecret?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  parameters: FormObject;
  idempotencyKey: string | null;
  requestId: string;
  statusCode: number;
  /** True when the answer was the saved answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface WebhookDelivery {
  event: Stripe.Event;
  /** The exact bytes sent, which the signature covers. */
  payload: string;
  signature: string;
  statusCode: number;
  body: unknown;
}

export interface WebhookTarget {
  url: string;
  /** Sign with another secret than the server's (to test a wrong secret). */
  secret?: string;
}

interface SavedResult {
  endpoint: string;
  fingerprint: string;
  statusCode: number;
  body: string;
  requestId: string;
}

interface Outcome {
  statusCode: number;
  body: string;
  headers?: Record<string, string>;
}

export const DEFAULT_WEBHOOK_SECRET = 'whsec_minishop_local';

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function snapshot<T>(value: T): T {
  return structuredClone(value);
}

export class FakeStripeServer {
  readonly account = new FakeStripeAccount(Stripe.API_VERSION);
  readonly requests: RecordedRequest[] = [];
  readonly webhookSecret: string;
  private readonly savedResults = new Map<string, SavedResult>();
  private readonly injectedFailures: { method: string; path: string; remaining: number; statusCode: number }[] = [];
  private readonly server: Server;
  private address: AddressInfo | null = null;

  constructor(private readonly options: FakeStripeServerOptions = {}) {
    this.webhookSecret = options.webhookSecret ?? DEFAULT_WEBHOOK_SECRET;
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.statusCode = 500;
        response.end(JSON.stringify({ error: { type: 'api_error', message: error instanceof Error ? error.message : 'An unknown error occurred.' } }));
      });
    });
  }

  /** Listens on 127.0.0.1 on a free port; returns the base URL for STRIPE_API_URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.address = this.server.address() as AddressInfo;
    return this.url;
  }

  get url(): string {
    if (!this.address) throw new Error('The fake Stripe server has not been started.');
    return `http://127.0.0.1:${this.address.port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // Test controls.

  get events(): Stripe.Event[] {
    return this.account.events;
  }

  getPaymentIntent(id: string): Stripe.PaymentIntent {
    return snapshot(this.account.retrievePaymentIntent(id));
  }

  /** The shopper's card went through: the intent succeeds with a charge. */
  succeedPaymentIntent(id: string): Stripe.PaymentIntent {
    return snapshot(this.account.succeed(id));
  }

  /** The shopper's card was declined: the intent goes back to requires_payment_method with last_payment_error. */
  failPaymentIntent(id: string, failure: PaymentFailure = {}): Stripe.PaymentIntent {
    return snapshot(this.account.fail(id, failure));
  }

  requireActionForPaymentIntent(id: string): Stripe.PaymentIntent {
    return snapshot(this.account.requireAction(id));
  }

  processPaymentIntent(id: string): Stripe.PaymentIntent {
    return snapshot(this.account.process(id));
  }

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter((request) => request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)));
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /**
   * Failure injection: the next `count` requests to `method path` answer `statusCode` with an api_error,
   * as an outage would, before anything is done (nothing is kept for their idempotency keys).
   */
  failNextRequests(method: string, path: string, count: number, statusCode = 500): void {
    this.injectedFailures.push({ method, path, remaining: count, statusCode });
  }

  clearInjectedFailures(): void {
    this.injectedFailures.length = 0;
  }

  /** A `Stripe-Signature` header for these exact bytes, made by the SDK's own test helper. */
  signPayload(payload: string, options: { secret?: string; timestampSeconds?: number } = {}): string {
    return Stripe.webhooks.generateTestHeaderString({
      payload,
      secret: options.secret ?? this.webhookSecret,
      ...(options.timestampSeconds === undefined ? {} : { timestamp: options.timestampSeconds }),
    });
  }

  /** A real Event object around `object`, as Stripe would send it; `createdSeconds` lets tests reorder events. */
  createEvent(type: string, object: unknown, options: { createdSeconds?: number } = {}): Stripe.Event {
    return this.account.createEvent(type, object, options);
  }

  /** Builds an event and POSTs it, signed, to our webhook endpoint. */
  async deliverWebhook(type: string, object: unknown, target: WebhookTarget & { createdSeconds?: number }): Promise<WebhookDelivery> {
    const event = this.createEvent(type, object, target.createdSeconds === undefined ? {} : { createdSeconds: target.createdSeconds });
    return this.redeliverWebhook(event, target);
  }

  /** Sends an event again, as Stripe does after a non-2xx answer: same event id, a fresh signature. */
  async redeliverWebhook(event: Stripe.Event, target: WebhookTarget): Promise<WebhookDelivery> {
    // Stripe sends pretty-printed JSON; the signature covers these bytes, not a re-serialization.
    const payload = JSON.stringify(event, null, 2);
    const signature = this.signPayload(payload, target.secret === undefined ? {} : { secret: target.secret });
    const response = await fetch(target.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
      body: payload,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: keep the text.
    }
    return { event, payload, signature, statusCode: response.status, body };
  }

  // The HTTP API.

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const rawBody = await readBody(request);
    const method = request.method ?? 'GET';
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const headers = flatHeaders(request);
    const requestId = stripeId('req', 14);
    const idempotencyKey = method === 'POST' ? (headers['idempotency-key'] ?? null) : null;
    const record: RecordedRequest = { method, path: url.pathname, headers, parameters: {}, idempotencyKey, requestId, statusCode: 0, replayed: false };
    this.requests.push(record);

    response.setHeader('Request-Id', requestId);
    response.setHeader('Stripe-Version', headers['stripe-version'] ?? Stripe.API_VERSION);
    response.setHeader('Content-Type', 'application/json');
    if (idempotencyKey) response.setHeader('Idempotency-Key', idempotencyKey);

    const injected = this.injectedFailures.find((failure) => failure.remaining > 0 && failure.method === method && failure.path === url.pathname);
    if (injected) injected.remaining -= 1;
    const outcome = injected
      ? { statusCode: injected.statusCode, body: JSON.stringify({ error: { type: 'api_error', message: 'Injected failure: the fake Stripe is down.' } }) }
      : this.answer(method, url, rawBody, headers, record);
    record.statusCode = outcome.statusCode;
    for (const [name, value] of Object.entries(outcome.headers ?? {})) response.setHeader(name, value);
    response.statusCode = outcome.statusCode;
    response.end(outcome.body);
  }

  private answer(method: string, url: URL, rawBody: string, headers: Record<string, string>, record: RecordedRequest): Outcome {
    let savedKey: string | null = null;
    let fingerprint = '';
    const endpoint = `${method} ${url.pathname}`;
    try {
      const apiKey = this.authenticate(headers);
      record.parameters = decodeForm(method === 'GET' ? url.search.slice(1) : rawBody);
      if (record.idempotencyKey) {
        savedKey = `${apiKey}\u0000${record.idempotencyKey}`;
        fingerprint = canonicalParameters(record.parameters);
        const saved = this.savedResults.get(savedKey);
        if (saved) return this.replay(saved, endpoint, fingerprint, record);
      }
      const result = this.route(method, url.pathname, record.parameters, { id: record.requestId, idempotencyKey: record.idempotencyKey });
      const outcome = { statusCode: 200, body: JSON.stringify(result, null, 2) };
      if (savedKey) this.savedResults.set(savedKey, { endpoint, fingerprint, requestId: record.requestId, ...outcome });
      return outcome;
    } catch (error) {
      if (!(error instanceof StripeApiError)) throw error;
      const body = { error: { ...error.body, request_log_url: `https://dashboard.stripe.com/test/logs/${record.requestId}` } };
      const outcome = { statusCode: error.statusCode, body: JSON.stringify(body, null, 2) };
      // Errors raised while executing are kept for the key, as Stripe does; validation failures are not.
      if (savedKey && error.saved) this.savedResults.set(savedKey, { endpoint, fingerprint, requestId: record.requestId, ...outcome });
      return outcome;
    }
  }

  private replay(saved: SavedResult, endpoint: string, fingerprint: string, record: RecordedRequest): Outcome {
    const key = record.idempotencyKey;
    if (saved.endpoint !== endpoint) {
      throw idempotencyError(
        `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${saved.endpoint}' vs '${endpoint}'). Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    if (saved.fingerprint !== fingerprint) {
      throw idempotencyError(
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    record.replayed = true;
    return { statusCode: saved.statusCode, body: saved.body, headers: { 'Idempotent-Replayed': 'true', 'Original-Request': saved.requestId } };
  }

  private authenticate(headers: Record<string, string>): string {
    const authorization = headers.authorization ?? '';
    const key = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
    if (!key) {
      throw authenticationError(
        'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').',
      );
    }
    const accepted = this.options.apiKey ? key === this.options.apiKey : key.startsWith('sk_test_');
    if (!accepted) throw authenticationError(`Invalid API Key provided: ${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`);
    return key;
  }

  private route(method: string, path: string, parameters: FormObject, request: EventRequest): unknown {
    const segments = path.split('/').filter(Boolean);
    const [version, resource, id, action] = segments;
    if (version === 'v1' && resource === 'payment_intents') {
      if (method === 'POST' && segments.length === 2) return this.account.createPaymentIntent(parameters, request);
      if (method === 'GET' && segments.length === 3 && id) return this.account.retrievePaymentIntent(id);
      if (method === 'POST' && segments.length === 4 && id && action === 'confirm') return this.account.confirmPaymentIntent(id, parameters, request);
      if (method === 'POST' && segments.length === 4 && id && action === 'cancel') return this.account.cancelPaymentIntent(id, parameters, request);
    }
    if (version === 'v1' && resource === 'refunds') {
      if (method === 'POST' && segments.length === 2) return this.account.createRefund(parameters, request);
      if (method === 'GET' && segments.length === 3 && id) return this.account.retrieveRefund(id);
    }
    if (version === 'v1' && resource === 'balance_transactions' && method === 'GET' && segments.length === 2) {
      return this.account.listBalanceTransactions(parameters);
    }
    if (version === 'v1' && resource === 'events' && method === 'GET' && segments.length === 3 && id) {
      const event = this.account.events.find((candidate) => candidate.id === id);
      if (event) return event;
    }
    throw unknownRoute(method, path);
  }
}

/** Starts a fake Stripe on a free loopback port. */
export async function startFakeStripeServer(options: FakeStripeServerOptions = {}): Promise<FakeStripeServer> {
  const server = new FakeStripeServer(options);
  await server.start();
  return server;
}
