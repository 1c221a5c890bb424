import { isIP } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Escrow sub-accounts per currency when LEDGER_ESCROW_SHARDS is not set; also LedgerService's default (docs/ledger.md §5: why 64). */
export const DEFAULT_LEDGER_ESCROW_SHARDS = 64;

/**
 * The environment, read once at boot. Every variable has a default that works with a local
 * PostgreSQL and Redis, except the secrets, which must be set when NODE_ENV=production or when the API
 * listens on anything but a loopback address.
 */
const environmentSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  /**
   * Which proxies may say who the client is (X-Forwarded-For): `false` (none, the default), `true` (any:
   * only behind a proxy that overwrites the header), a hop count, or a comma-separated list of proxy
   * addresses and CIDR ranges. Parsed by parseTrustProxy below.
   */
  TRUST_PROXY: Type.String({ default: 'false' }),
  PUBLIC_URL: Type.String({ default: '' }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', default: 'postgres://postgres@127.0.0.1:5432/minishop' }),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  /** The journal exports' own pool: at most this many exports stream at once; the next one gets 429. */
  DATABASE_EXPORT_POOL_MAX: Type.Integer({ minimum: 1, maximum: 50, default: 3 }),
  JOURNAL_EXPORT_RETRY_AFTER_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 10 }),
  REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'minishop:' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)), { default: 'info' }),
  JWT_SECRET: Type.String({ minLength: 32, default: 'minishop-development-secret-change-me-in-production' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
  // In seconds, like every other lifetime here: 30 days and 72 hours by default.
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 31_536_000, default: 2_592_000 }),
  INVITATION_TTL_SECONDS: Type.Integer({ minimum: 1, maximum: 2_592_000, default: 259_200 }),
  PASSWORD_HASH_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 19_456 }),
  RATE_LIMIT_MAX_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  AUTH_RATE_LIMIT_MAX_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  CATALOG_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 5_000 }),
  ORDER_PAYMENT_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 900 }),
  /** Days after delivery until receipt is confirmed automatically, for shops created from now on (each shop may change its own). */
  ORDER_AUTO_CONFIRM_DAYS: Type.Integer({ minimum: 0, maximum: 90, default: 7 }),
  /** The platform's fee on the goods of a settled order, in basis points, for merchants the operator set no rate for. */
  PLATFORM_FEE_BASIS_POINTS: Type.Integer({ minimum: 0, maximum: 10_000, default: 250 }),
  TELEGRAM_BOT_TOKEN: Type.Optional(Type.String({ pattern: '^[0-9]+:[A-Za-z0-9_-]{20,}$' })),
  TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: Type.Integer({ minimum: 60, maximum: 604_800, default: 86_400 }),
  SHOPPER_SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 86_400 }),
  QR_SIGNING_SECRET: Type.String({ minLength: 32, default: 'minishop-development-qr-secret-change-me-in-production' }),
  STRIPE_SECRET_KEY: Type.String({ pattern: '^(sk|rk)_(test|live)_[A-Za-z0-9_]+$', default: 'sk_test_minishop_local' }),
  STRIPE_WEBHOOK_SECRET: Type.String({ pattern: '^whsec_[A-Za-z0-9_]+$', default: 'whsec_minishop_local' }),
  /** Empty: Stripe's real API. Otherwise a Stripe-compatible server, e.g. the tests' fake on loopback. */
  STRIPE_API_URL: Type.String({ pattern: '^(https?://[^/\\s?#]+/?)?$', default: '' }),
  /** The publishable key the storefront widget hands to Stripe.js (card top-ups and card checkout). */
  STRIPE_PUBLISHABLE_KEY: Type.String({ pattern: '^pk_(test|live)_[A-Za-z0-9_]+$', default: 'pk_test_minishop_local' }),
  /** Where the widget loads Stripe.js from, only when a card payment starts; tests point it at a local stand-in. */
  STRIPE_JS_URL: Type.String({ pattern: '^https?://[^\\s]+$', default: 'https://js.stripe.com/v3/' }),
  /** Counter charges by payment code above this many minor units wait for the shopper's confirmation in the widget. */
  PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 5_000 }),
  PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS: Type.Integer({ minimum: 2, maximum: 3_600, default: 120 }),
  PAYMENT_CODE_HOLD_GRACE_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 300 }),
  /** A payout's ledger hold expires after this long without the provider's answer (the money is available again). */
  /** Red envelopes (docs/social.md): the most one envelope may hold (minor units), the most shares, and how long until the unclaimed rest goes back. */
  RED_ENVELOPE_MAX_AMOUNT_MINOR: Type.Integer({ minimum: 1, default: 2_000_000 }),
  RED_ENVELOPE_MAX_SHARES: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  RED_ENVELOPE_EXPIRY_SECONDS: Type.Integer({ minimum: 1, maximum: 2_592_000, default: 86_400 }),
  /** Group buys (docs/social.md §2): the shortest window a merchant may give a team (tests shorten it to see expiries). */
  GROUP_BUY_MIN_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
  PAYOUT_HOLD_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 7_776_000, default: 1_209_600 }),
  /** A pending refund, payout or top-up untouched this long is retried by the sweeper. */
  MONEY_SWEEP_STALE_SECONDS: Type.Integer({ minimum: 0, maximum: 86_400, default: 300 }),
  /** After this many attempts the sweeper stops retrying and flags the record for an operator. */
  MONEY_SWEEP_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 1_000, default: 10 }),
  /** How long a committed ledger transfer may wait for its place in the hash chain before the verifier reports it (docs/ledger.md §4). */
  LEDGER_SEAL_MAX_LAG_SECONDS: Type.Integer({ minimum: 1, maximum: 86_400, default: 60 }),
  /** Escrow sub-accounts per currency that payments spread over by order id (docs/ledger.md §5); changing it moves no money. */
  LEDGER_ESCROW_SHARDS: Type.Integer({ minimum: 1, maximum: 1_024, default: DEFAULT_LEDGER_ESCROW_SHARDS }),
  /** The demo seed creates logins with a published password, so production refuses it unless this says `yes`. */
  SEED_DEMO_IN_PRODUCTION: Type.Union([Type.Literal('yes'), Type.Literal('no')], { default: 'no' }),
  /** The courier's average speed for ETAs from the remaining distance (docs/delivery.md). */
  COURIER_AVERAGE_SPEED_KMH: Type.Integer({ minimum: 1, maximum: 200, default: 25 }),
  COURIER_RATE_LIMIT_MAX_PER_MINUTE: Type.Integer({ minimum: 1, maximum: 10_000, default: 120 }),
  /** `<carrier>=<secret>` pairs, comma-separated: the carriers whose webhooks are accepted and their signing secrets. */
  CARRIER_WEBHOOK_SECRETS: Type.String({
    pattern: '^[a-z0-9][a-z0-9_-]{0,39}=[^,=\\s]{16,}(,[a-z0-9][a-z0-9_-]{0,39}=[^,=\\s]{16,})*$',
    default: 'generic=minishop-generic-carrier-local-secret,aftership=minishop-aftership-local-secret',
  }),
  CARRIER_WEBHOOK_TOLERANCE_SECONDS: Type.Integer({ minimum: 10, maximum: 86_400, default: 300 }),
  /**
   * The nice value a workers process of its own (`npm run workers`) runs at: background work (the relay,
   * jobs) gives way to the API's requests when they compete for a core (docs/performance.md); 0 keeps it even.
   */
  WORKERS_NICE: Type.Integer({ minimum: 0, maximum: 19, default: 10 }),
  /** The relay is woken after each commit that wrote outbox rows; this poll is its safety net. */
  OUTBOX_RELAY_POLL_INTERVAL_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 100 }),
  /** Comma-separated origins allowed to open GET /ws from a browser; `*` for any; empty: PUBLIC_URL's origin only. */
  REALTIME_ALLOWED_ORIGINS: Type.String({ default: '' }),
  REALTIME_HEARTBEAT_INTERVAL_MS: Type.Integer({ minimum: 1_000, maximum: 600_000, default: 30_000 }),
  REALTIME_AUTH_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  REALTIME_MAX_BUFFERED_BYTES: Type.Integer({ minimum: 1, maximum: 67_108_864, default: 1_048_576 }),
  REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET: Type.Integer({ minimum: 1, maximum: 10_000, default: 100 }),
  REALTIME_REPLAY_MAX_EVENTS: Type.Integer({ minimum: 1, maximum: 100_000, default: 1_000 }),
  /** Outgoing webhooks (docs/webhooks.md): how long one call may take, and the retry schedule. */
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 10_000 }),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 30, default: 10 }),
  WEBHOOK_RETRY_BASE_DELAY_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 60_000 }),
  WEBHOOK_RETRY_MAX_DELAY_MS: Type.Integer({ minimum: 1, maximum: 86_400_000, default: 28_800_000 }),
  WEBHOOK_DISABLE_AFTER_FAILURES: Type.Integer({ minimum: 1, maximum: 10_000, default: 15 }),
  WEBHOOK_DISABLE_AFTER_FAILING_SECONDS: Type.Integer({ minimum: 0, maximum: 2_592_000, default: 86_400 }),
  /** Shopper notifications (docs/notifications.md): the Bot API's address and one call's time limit. */
  TELEGRAM_API_URL: Type.String({ pattern: '^https?://[^\\s?#]+$', default: 'https://api.telegram.org' }),
  NOTIFICATION_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000 }),
  /** How long the operator's bull-board cookie lasts. */
  QUEUE_DASHBOARD_SESSION_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
  /** Product photos (docs/console-api.md §2): where the resized files go, and what an upload may be. */
  MEDIA_STORE: Type.Union([Type.Literal('local'), Type.Literal('s3')], { default: 'local' }),
  MEDIA_DIRECTORY: Type.String({ minLength: 1, default: 'var/media' }),
  MEDIA_MAX_UPLOAD_BYTES: Type.Integer({ minimum: 1_024, maximum: 104_857_600, default: 10_485_760 }),
  MEDIA_MAX_PHOTOS_PER_PRODUCT: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  /** Where browsers read the S3 store's objects (`<MEDIA_PUBLIC_URL>/products/<file>`); required with MEDIA_STORE=s3. */
  MEDIA_PUBLIC_URL: Type.String({ default: '' }),
  MEDIA_S3_ENDPOINT: Type.String({ default: '' }),
  MEDIA_S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  MEDIA_S3_BUCKET: Type.String({ default: '' }),
  MEDIA_S3_ACCESS_KEY_ID: Type.String({ default: '' }),
  MEDIA_S3_SECRET_ACCESS_KEY: Type.String({ default: '' }),
});

type Environment = Static<typeof environmentSchema>;

export interface Config {
  environment: Environment['NODE_ENV'];
  /** `trustProxy` goes to Fastify as is: false, true, a hop count or a list of addresses and CIDR ranges. */
  http: { port: number; host: string; publicUrl: string; trustProxy: TrustProxy };
  /** `exportPoolMax`: connections of the journal exports' own pool, which is also the cap on concurrent exports. */
  database: { url: string; poolMax: number; exportPoolMax: number };
  redis: { url: string; keyPrefix: string };
  logLevel: Environment['LOG_LEVEL'];
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
    invitationTtlSeconds: number;
    passwordHashMemoryKib: number;
  };
  rateLimit: { maxPerMinute: number; authMaxPerMinute: number };
  catalog: { cacheTtlMs: number };
  /** Unpaid orders are cancelled, and their stock released, this long after checkout. */
  orders: { paymentTimeoutSeconds: number; autoConfirmDays: number };
  /** Settlement of completed orders (docs/orders.md §10): the platform fee rate of merchants without their own. */
  settlement: { platformFeeBasisPoints: number };
  /** Shopper sessions: Telegram is enabled only when a bot token is set. */
  shoppers: { telegramBotToken: string | null; telegramInitDataMaxAgeSeconds: number; sessionTtlSeconds: number };
  qr: { signingSecret: string };
  /** `api` is null for Stripe's real API, or where a Stripe-compatible server listens. */
  stripe: { secretKey: string; webhookSecret: string; api: { protocol: 'http' | 'https'; host: string; port: number } | null; publishableKey: string; jsUrl: string };
  /** Counter charges by payment code: above the threshold the shopper confirms within the timeout (docs/qr-checkout.md). */
  /** `holdGraceSeconds`: how much longer than the confirmation window the ledger's hold lives (its own timeout, the backstop). */
  paymentCodes: { confirmationThresholdMinor: number; confirmationTimeoutSeconds: number; holdGraceSeconds: number };
  payouts: { holdTimeoutSeconds: number };
  redEnvelopes: { maxAmountMinor: number; maxShares: number; expirySeconds: number };
  groupBuys: { minWindowSeconds: number };
  /** The sweeper of stale refunds, payouts and top-ups (docs/payments.md, "Recovery"). */
  moneySweeper: { staleAfterSeconds: number; maxAttempts: number };
  ledger: { sealMaxLagSeconds: number; escrowShards: number };
  /** Whether the demo seed may run when NODE_ENV=production (SEED_DEMO_IN_PRODUCTION=yes). */
  seed: { demoInProduction: boolean };
  /** A journal export refused because the cap is reached says to retry after this many seconds. */
  finance: { journalExportRetryAfterSeconds: number };
  /** Couriers and carrier webhooks (docs/delivery.md). */
  delivery: {
    courierAverageSpeedKmh: number;
    courierRateLimitMaxPerMinute: number;
    /** Carrier name (the `:carrier` of the webhook path) -> signing secret. */
    carrierWebhookSecrets: Readonly<Record<string, string>>;
    carrierWebhookToleranceSeconds: number;
  };
  outbox: { relayPollIntervalMs: number };
  /** `nice`: the scheduling priority a workers process of its own lowers itself to (0 to 19; `npm start`'s one process keeps 0). */
  workersProcess: { nice: number };
  /** GET /ws (docs/realtime.md). `allowedOrigins` is `'*'` or a list of origins (`https://host[:port]`). */
  realtime: {
    allowedOrigins: '*' | string[];
    heartbeatIntervalMs: number;
    authTimeoutMs: number;
    maxBufferedBytes: number;
    maxSubscriptionsPerSocket: number;
    replayMaxEvents: number;
  };
  /** Outgoing webhooks to merchants (docs/webhooks.md). */
  webhooks: {
    timeoutMs: number;
    maxAttempts: number;
    retryBaseDelayMs: number;
    retryMaxDelayMs: number;
    disableAfterFailures: number;
    disableAfterFailingSeconds: number;
  };
  /** Notifications to shoppers in their chat (docs/notifications.md). */
  notifications: { telegramApiUrl: string; timeoutMs: number };
  queueDashboard: { sessionTtlSeconds: number };
  /** Product photos: local disk (served at /media/products) or an S3-compatible store (`s3` set). */
  media: {
    store: 'local' | 's3';
    directory: string;
    maxUploadBytes: number;
    maxPhotosPerProduct: number;
    s3: { endpoint: string; region: string; bucket: string; accessKeyId: string; secretAccessKey: string; publicUrl: string } | null;
  };
}

export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const numericVariables = new Set(
  Object.entries(environmentSchema.properties)
    .filter(([, schema]) => schema.type === 'integer')
    .map(([name]) => name),
);

/** Reads the configuration from an environment, failing with a message that names the variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env, overrides: Partial<Record<keyof Environment, string>> = {}): Config {
  const raw: Record<string, unknown> = {};
  for (const name of Object.keys(environmentSchema.properties)) {
    const value = overrides[name as keyof Environment] ?? environment[name];
    if (value === undefined || value === '') continue;
    raw[name] = numericVariables.has(name) && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  const withDefaults = Value.Default(environmentSchema, raw);
  const firstError = Value.Errors(environmentSchema, withDefaults).First();
  if (firstError) {
    const variable = firstError.path.replace(/^\//, '');
    throw new ConfigError(`Environment variable ${variable} is invalid (${JSON.stringify(raw[variable])}): ${firstError.message}.`);
  }
  const values = withDefaults as Environment;
  assertSecretsAreSet(values);
  const trustProxy = parseTrustProxy(values.TRUST_PROXY);
  // An IPv6 literal goes in brackets in a URL (http://[::1]:3000).
  const urlHost = values.HOST === '0.0.0.0' ? '127.0.0.1' : values.HOST.includes(':') && !values.HOST.startsWith('[') ? `[${values.HOST}]` : values.HOST;
  const publicUrl = values.PUBLIC_URL || `http://${urlHost}:${values.PORT}`;
  return {
    environment: values.NODE_ENV,
    http: { port: values.PORT, host: values.HOST, publicUrl: publicUrl.replace(/\/$/, ''), trustProxy },
    database: { url: values.DATABASE_URL, poolMax: values.DATABASE_POOL_MAX, exportPoolMax: values.DATABASE_EXPORT_POOL_MAX },
    redis: { url: values.REDIS_URL, keyPrefix: values.REDIS_KEY_PREFIX },
    logLevel: values.LOG_LEVEL,
    auth: {
      jwtSecret: values.JWT_SECRET,
      accessTokenTtlSeconds: values.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: values.REFRESH_TOKEN_TTL_SECONDS,
      invitationTtlSeconds: values.INVITATION_TTL_SECONDS,
      passwordHashMemoryKib: values.PASSWORD_HASH_MEMORY_KIB,
    },
    rateLimit: { maxPerMinute: values.RATE_LIMIT_MAX_PER_MINUTE, authMaxPerMinute: values.AUTH_RATE_LIMIT_MAX_PER_MINUTE },
    catalog: { cacheTtlMs: values.CATALOG_CACHE_TTL_MS },
    orders: { paymentTimeoutSeconds: values.ORDER_PAYMENT_TIMEOUT_SECONDS, autoConfirmDays: values.ORDER_AUTO_CONFIRM_DAYS },
    settlement: { platformFeeBasisPoints: values.PLATFORM_FEE_BASIS_POINTS },
    shoppers: {
      telegramBotToken: values.TELEGRAM_BOT_TOKEN ?? null,
      telegramInitDataMaxAgeSeconds: values.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS,
      sessionTtlSeconds: values.SHOPPER_SESSION_TTL_SECONDS,
    },
    qr: { signingSecret: values.QR_SIGNING_SECRET },
    stripe: {
      secretKey: values.STRIPE_SECRET_KEY,
      webhookSecret: values.STRIPE_WEBHOOK_SECRET,
      api: stripeApiAddress(values.STRIPE_API_URL),
      publishableKey: values.STRIPE_PUBLISHABLE_KEY,
      jsUrl: values.STRIPE_JS_URL,
    },
    paymentCodes: {
      confirmationThresholdMinor: values.PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR,
      confirmationTimeoutSeconds: values.PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS,
      holdGraceSeconds: values.PAYMENT_CODE_HOLD_GRACE_SECONDS,
    },
    payouts: { holdTimeoutSeconds: values.PAYOUT_HOLD_TIMEOUT_SECONDS },
    redEnvelopes: { maxAmountMinor: values.RED_ENVELOPE_MAX_AMOUNT_MINOR, maxShares: values.RED_ENVELOPE_MAX_SHARES, expirySeconds: values.RED_ENVELOPE_EXPIRY_SECONDS },
    groupBuys: { minWindowSeconds: values.GROUP_BUY_MIN_WINDOW_SECONDS },
    moneySweeper: { staleAfterSeconds: values.MONEY_SWEEP_STALE_SECONDS, maxAttempts: values.MONEY_SWEEP_MAX_ATTEMPTS },
    ledger: { sealMaxLagSeconds: values.LEDGER_SEAL_MAX_LAG_SECONDS, escrowShards: values.LEDGER_ESCROW_SHARDS },
    seed: { demoInProduction: values.SEED_DEMO_IN_PRODUCTION === 'yes' },
    finance: { journalExportRetryAfterSeconds: values.JOURNAL_EXPORT_RETRY_AFTER_SECONDS },
    delivery: {
      courierAverageSpeedKmh: values.COURIER_AVERAGE_SPEED_KMH,
      courierRateLimitMaxPerMinute: values.COURIER_RATE_LIMIT_MAX_PER_MINUTE,
      carrierWebhookSecrets: Object.freeze(Object.fromEntries(values.CARRIER_WEBHOOK_SECRETS.split(',').map((pair) => pair.split('=') as [string, string]))),
      carrierWebhookToleranceSeconds: values.CARRIER_WEBHOOK_TOLERANCE_SECONDS,
    },
    outbox: { relayPollIntervalMs: values.OUTBOX_RELAY_POLL_INTERVAL_MS },
    workersProcess: { nice: values.WORKERS_NICE },
    realtime: {
      allowedOrigins: allowedOrigins(values.REALTIME_ALLOWED_ORIGINS, publicUrl),
      heartbeatIntervalMs: values.REALTIME_HEARTBEAT_INTERVAL_MS,
      authTimeoutMs: values.REALTIME_AUTH_TIMEOUT_MS,
      maxBufferedBytes: values.REALTIME_MAX_BUFFERED_BYTES,
      maxSubscriptionsPerSocket: values.REALTIME_MAX_SUBSCRIPTIONS_PER_SOCKET,
      replayMaxEvents: values.REALTIME_REPLAY_MAX_EVENTS,
    },
    webhooks: {
      timeoutMs: values.WEBHOOK_TIMEOUT_MS,
      maxAttempts: values.WEBHOOK_MAX_ATTEMPTS,
      retryBaseDelayMs: values.WEBHOOK_RETRY_BASE_DELAY_MS,
      retryMaxDelayMs: values.WEBHOOK_RETRY_MAX_DELAY_MS,
      disableAfterFailures: values.WEBHOOK_DISABLE_AFTER_FAILURES,
      disableAfterFailingSeconds: values.WEBHOOK_DISABLE_AFTER_FAILING_SECONDS,
    },
    notifications: { telegramApiUrl: values.TELEGRAM_API_URL.replace(/\/$/, ''), timeoutMs: values.NOTIFICATION_TIMEOUT_MS },
    queueDashboard: { sessionTtlSeconds: values.QUEUE_DASHBOARD_SESSION_TTL_SECONDS },
    media: {
      store: values.MEDIA_STORE,
      directory: values.MEDIA_DIRECTORY,
      maxUploadBytes: values.MEDIA_MAX_UPLOAD_BYTES,
      maxPhotosPerProduct: values.MEDIA_MAX_PHOTOS_PER_PRODUCT,
      s3: values.MEDIA_STORE === 's3' ? s3MediaSettings(values) : null,
    },
  };
}

/** The S3 store's settings, all required once MEDIA_STORE=s3 (a half-configured store would fail at the first upload). */
function s3MediaSettings(values: Environment): NonNullable<Config['media']['s3']> {
  const required = ['MEDIA_S3_ENDPOINT', 'MEDIA_S3_BUCKET', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY', 'MEDIA_PUBLIC_URL'] as const;
  const missing = required.filter((name) => !values[name]);
  if (missing.length) throw new ConfigError(`MEDIA_STORE=s3 needs ${missing.join(', ')}.`);
  return {
    endpoint: values.MEDIA_S3_ENDPOINT,
    region: values.MEDIA_S3_REGION,
    bucket: values.MEDIA_S3_BUCKET,
    accessKeyId: values.MEDIA_S3_ACCESS_KEY_ID,
    secretAccessKey: values.MEDIA_S3_SECRET_ACCESS_KEY,
    publicUrl: values.MEDIA_PUBLIC_URL.replace(/\/$/, ''),
  };
}

/** The secrets whose development defaults are published in this repository. */
const SECRET_VARIABLES = ['JWT_SECRET', 'QR_SIGNING_SECRET', 'STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET', 'CARRIER_WEBHOOK_SECRETS'] as const;

const SECRET_HINTS: Record<(typeof SECRET_VARIABLES)[number], string> = {
  JWT_SECRET: 'a secret of 32 or more characters',
  QR_SIGNING_SECRET: 'a secret of 32 or more characters',
  STRIPE_SECRET_KEY: "your Stripe account's value",
  STRIPE_WEBHOOK_SECRET: "your Stripe account's value",
  CARRIER_WEBHOOK_SECRETS: "your carriers' signing secrets",
};

/** Loopback only: 127.0.0.0/8, ::1 (also IPv4-mapped) and the name localhost. */
export function isLoopbackHost(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  if (address === 'localhost' || address === '::1') return true;
  const ipv4 = address.replace(/^::ffff:/, '');
  return isIP(ipv4) === 4 && ipv4.startsWith('127.');
}

/**
 * The development defaults of the secrets are in this repository, so anyone could forge tokens signed
 * with them: they are refused in production and whenever the API is reachable from other machines
 * (HOST not loopback), whatever NODE_ENV says.
 */
function assertSecretsAreSet(values: Environment): void {
  const reason =
    values.NODE_ENV === 'production' ? 'when NODE_ENV=production' : isLoopbackHost(values.HOST) ? null : `when the API listens on a non-loopback address (HOST=${values.HOST})`;
  if (!reason) return;
  for (const variable of SECRET_VARIABLES) {
    if (values[variable] === environmentSchema.properties[variable].default) {
      throw new ConfigError(`Environment variable ${variable} must be set to ${SECRET_HINTS[variable]} ${reason}; its development default is public.`);
    }
  }
}

const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function isProxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address, prefixLength, ...rest] = entry.split('/');
  if (rest.length || !address) return false;
  const version = isIP(address);
  if (!version) return false;
  if (prefixLength === undefined) return true;
  if (!/^\d{1,3}$/.test(prefixLength)) return false;
  return Number(prefixLength) <= (version === 4 ? 32 : 128);
}

/**
 * TRUST_PROXY as Fastify's trustProxy option: `false`/`true`, a hop count (trust that many proxies in
 * front of the API), or proxy addresses, CIDR ranges and proxy-addr's names (loopback, linklocal,
 * uniquelocal) separated by commas. Anything else stops the boot, naming the variable.
 */
export function parseTrustProxy(value: string): TrustProxy {
  const trimmed = value.trim();
  if (trimmed === 'false') return false;
  if (trimmed === 'true') return true;
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    if (hops >= 1 && hops <= 10) return hops;
  } else {
    const entries = trimmed.split(',').map((entry) => entry.trim());
    if (entries.length && entries.every(isProxyAddress)) return entries;
  }
  throw new ConfigError(
    `Environment variable TRUST_PROXY is invalid (${JSON.stringify(value)}): use false, true, a hop count from 1 to 10, or a comma-separated list of proxy addresses or CIDR ranges (e.g. 10.0.0.0/8,192.168.1.5).`,
  );
}

/** `*`, or each listed origin normalised by URL (scheme, host, port); empty means the public URL's own. */
function allowedOrigins(setting: string, publicUrl: string): '*' | string[] {
  if (setting.trim() === '*') return '*';
  const listed = setting
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  return (listed.length ? listed : [publicUrl]).map((origin) => {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      throw new ConfigError(`Environment variable REALTIME_ALLOWED_ORIGINS is invalid (${JSON.stringify(origin)}): each origin must look like https://shop.example.`);
    }
    if (parsed.origin === 'null') throw new ConfigError(`Environment variable REALTIME_ALLOWED_ORIGINS is invalid (${JSON.stringify(origin)}): each origin must be http(s).`);
    return parsed.origin;
  });
}

function stripeApiAddress(url: string): Config['stripe']['api'] {
  if (!url) return null;
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  return { protocol, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : protocol === 'https' ? 443 : 80 };
}
