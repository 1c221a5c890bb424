import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The environment, read once at boot. Every variable has a default that works with a local
 * PostgreSQL and Redis, except the secrets, which must be set when NODE_ENV=production.
 */
const environmentSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('test'), Type.Literal('production')], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.String({ default: '127.0.0.1' }),
  PUBLIC_URL: Type.String({ default: '' }),
  DATABASE_URL: Type.String({ pattern: '^postgres(ql)?://', default: 'postgres://postgres@127.0.0.1:5432/minishop' }),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
  REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
  REDIS_KEY_PREFIX: Type.String({ default: 'minishop:' }),
  LOG_LEVEL: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)), { default: 'info' }),
  JWT_SECRET: Type.String({ minLength: 32, default: 'minishop-development-secret-change-me-in-production' }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  INVITATION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 720, default: 72 }),
  PASSWORD_HASH_MEMORY_KIB: Type.Integer({ minimum: 1024, maximum: 1_048_576, default: 19_456 }),
  RATE_LIMIT_MAX_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  AUTH_RATE_LIMIT_MAX_PER_MINUTE: Type.Integer({ minimum: 1, default: 20 }),
  CATALOG_CACHE_TTL_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 5_000 }),
  ORDER_PAYMENT_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, maximum: 604_800, default: 900 }),
  TELEGRAM_BOT_TOKEN: Type.Optional(Type.String({ pattern: '^[0-9]+:[A-Za-z0-9_-]{20,}$' })),
  TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: Type.Integer({ minimum: 60, maximum: 604_800, default: 86_400 }),
  SHOPPER_SESSION_TTL_SECONDS: Type.Integer({ minimum: 60, maximum: 2_592_000, default: 86_400 }),
  QR_SIGNING_SECRET: Type.String({ minLength: 32, default: 'minishop-development-qr-secret-change-me-in-production' }),
  STRIPE_SECRET_KEY: Type.String({ pattern: '^(sk|rk)_(test|live)_[A-Za-z0-9_]+$', default: 'sk_test_minishop_local' }),
  STRIPE_WEBHOOK_SECRET: Type.String({ pattern: '^whsec_[A-Za-z0-9_]+$', default: 'whsec_minishop_local' }),
  /** Empty: Stripe's real API. Otherwise a Stripe-compatible server, e.g. the tests' fake on loopback. */
  STRIPE_API_URL: Type.String({ pattern: '^(https?://[^/\\s?#]+/?)?$', default: '' }),
  /** Counter charges by payment code above this many minor units wait for the shopper's confirmation in the widget. */
  PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 5_000 }),
  PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS: Type.Integer({ minimum: 10, maximum: 3_600, default: 120 }),
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
});

type Environment = Static<typeof environmentSchema>;

export interface Config {
  environment: Environment['NODE_ENV'];
  http: { port: number; host: string; publicUrl: string };
  database: { url: string; poolMax: number };
  redis: { url: string; keyPrefix: string };
  logLevel: Environment['LOG_LEVEL'];
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    invitationTtlHours: number;
    passwordHashMemoryKib: number;
  };
  rateLimit: { maxPerMinute: number; authMaxPerMinute: number };
  catalog: { cacheTtlMs: number };
  /** Unpaid orders are cancelled, and their stock released, this long after checkout. */
  orders: { paymentTimeoutSeconds: number };
  /** Shopper sessions: Telegram is enabled only when a bot token is set. */
  shoppers: { telegramBotToken: string | null; telegramInitDataMaxAgeSeconds: number; sessionTtlSeconds: number };
  qr: { signingSecret: string };
  /** `api` is null for Stripe's real API, or where a Stripe-compatible server listens. */
  stripe: { secretKey: string; webhookSecret: string; api: { protocol: 'http' | 'https'; host: string; port: number } | null };
  /** Counter charges by payment code: above the threshold the shopper confirms within the timeout (docs/qr-checkout.md). */
  paymentCodes: { confirmationThresholdMinor: number; confirmationTimeoutSeconds: number };
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
}

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
  if (values.NODE_ENV === 'production' && values.JWT_SECRET === environmentSchema.properties.JWT_SECRET.default) {
    throw new ConfigError('Environment variable JWT_SECRET must be set to a secret of 32 or more characters when NODE_ENV=production.');
  }
  if (values.NODE_ENV === 'production' && values.QR_SIGNING_SECRET === environmentSchema.properties.QR_SIGNING_SECRET.default) {
    throw new ConfigError('Environment variable QR_SIGNING_SECRET must be set to a secret of 32 or more characters when NODE_ENV=production.');
  }
  for (const variable of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'] as const) {
    if (values.NODE_ENV === 'production' && values[variable] === environmentSchema.properties[variable].default) {
      throw new ConfigError(`Environment variable ${variable} must be set to your Stripe account's value when NODE_ENV=production.`);
    }
  }
  const publicUrl = values.PUBLIC_URL || `http://${values.HOST === '0.0.0.0' ? '127.0.0.1' : values.HOST}:${values.PORT}`;
  return {
    environment: values.NODE_ENV,
    http: { port: values.PORT, host: values.HOST, publicUrl: publicUrl.replace(/\/$/, '') },
    database: { url: values.DATABASE_URL, poolMax: values.DATABASE_POOL_MAX },
    redis: { url: values.REDIS_URL, keyPrefix: values.REDIS_KEY_PREFIX },
    logLevel: values.LOG_LEVEL,
    auth: {
      jwtSecret: values.JWT_SECRET,
      accessTokenTtlSeconds: values.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: values.REFRESH_TOKEN_TTL_DAYS,
      invitationTtlHours: values.INVITATION_TTL_HOURS,
      passwordHashMemoryKib: values.PASSWORD_HASH_MEMORY_KIB,
    },
    rateLimit: { maxPerMinute: values.RATE_LIMIT_MAX_PER_MINUTE, authMaxPerMinute: values.AUTH_RATE_LIMIT_MAX_PER_MINUTE },
    catalog: { cacheTtlMs: values.CATALOG_CACHE_TTL_MS },
    orders: { paymentTimeoutSeconds: values.ORDER_PAYMENT_TIMEOUT_SECONDS },
    shoppers: {
      telegramBotToken: values.TELEGRAM_BOT_TOKEN ?? null,
      telegramInitDataMaxAgeSeconds: values.TELEGRAM_INIT_DATA_MAX_AGE_SECONDS,
      sessionTtlSeconds: values.SHOPPER_SESSION_TTL_SECONDS,
    },
    qr: { signingSecret: values.QR_SIGNING_SECRET },
    stripe: { secretKey: values.STRIPE_SECRET_KEY, webhookSecret: values.STRIPE_WEBHOOK_SECRET, api: stripeApiAddress(values.STRIPE_API_URL) },
    paymentCodes: {
      confirmationThresholdMinor: values.PAYMENT_CODE_CONFIRMATION_THRESHOLD_MINOR,
      confirmationTimeoutSeconds: values.PAYMENT_CODE_CONFIRMATION_TIMEOUT_SECONDS,
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
  };
}

function stripeApiAddress(url: string): Config['stripe']['api'] {
  if (!url) return null;
  const parsed = new URL(url);
  const protocol = parsed.protocol === 'https:' ? 'https' : 'http';
  return { protocol, host: parsed.hostname, port: parsed.port ? Number(parsed.port) : protocol === 'https' ? 443 : 80 };
}
