import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('works with nothing set, with defaults for a local PostgreSQL and Redis', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      environment: 'development',
      http: { port: 3000, host: '127.0.0.1', publicUrl: 'http://127.0.0.1:3000' },
      database: { url: 'postgres://postgres@127.0.0.1:5432/minishop', poolMax: 10 },
      redis: { url: 'redis://127.0.0.1:6379', keyPrefix: 'minishop:' },
      logLevel: 'info',
    });
  });

  it('reads numbers and strings from the environment, and derives the public URL', () => {
    // Listening on every interface needs real secrets (config-safety.test.ts), so this sets them.
    const secrets = {
      JWT_SECRET: 'a-real-secret-of-at-least-32-characters!',
      QR_SIGNING_SECRET: 'another-real-secret-of-32-characters!!',
      STRIPE_SECRET_KEY: 'sk_test_realAccountKey',
      STRIPE_WEBHOOK_SECRET: 'whsec_realAccountSecret',
      CARRIER_WEBHOOK_SECRETS: 'generic=a-real-carrier-signing-secret',
    };
    const config = loadConfig({ ...secrets, PORT: '8080', HOST: '0.0.0.0', DATABASE_POOL_MAX: '25', REDIS_KEY_PREFIX: 'shop-a:' });
    expect(config.http).toEqual({ port: 8080, host: '0.0.0.0', publicUrl: 'http://127.0.0.1:8080', trustProxy: false });
    expect(config.database.poolMax).toBe(25);
    expect(config.redis.keyPrefix).toBe('shop-a:');
    expect(loadConfig({ PUBLIC_URL: 'https://shop.example/' }).http.publicUrl).toBe('https://shop.example');
  });

  it("sizes the journal exports' own pool and their Retry-After, and names a bad value", () => {
    expect(loadConfig({})).toMatchObject({ database: { exportPoolMax: 3 }, finance: { journalExportRetryAfterSeconds: 10 } });
    expect(loadConfig({ DATABASE_EXPORT_POOL_MAX: '5', JOURNAL_EXPORT_RETRY_AFTER_SECONDS: '30' })).toMatchObject({ database: { exportPoolMax: 5 }, finance: { journalExportRetryAfterSeconds: 30 } });
    expect(() => loadConfig({ DATABASE_EXPORT_POOL_MAX: '0' })).toThrow(/DATABASE_EXPORT_POOL_MAX/);
  });

  it('runs a workers process of its own at nice 10 unless told otherwise, and names a value outside 0 to 19', () => {
    expect(loadConfig({}).workersProcess).toEqual({ nice: 10 });
    expect(loadConfig({ WORKERS_NICE: '0' }).workersProcess).toEqual({ nice: 0 });
    expect(() => loadConfig({ WORKERS_NICE: '20' })).toThrow(/^Environment variable WORKERS_NICE is invalid/);
    expect(() => loadConfig({ WORKERS_NICE: '-5' })).toThrow(/^Environment variable WORKERS_NICE is invalid/);
  });

  it('lets overrides win over the environment', () => {
    expect(loadConfig({ PORT: '8080' }, { PORT: '9090' }).http.port).toBe(9090);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '' })).toMatchObject({ http: { port: 3000 }, logLevel: 'info' });
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'mysql://localhost/minishop'],
    ['REDIS_URL', 'localhost:6379'],
    ['LOG_LEVEL', 'loud'],
    ['NODE_ENV', 'staging'],
    ['JWT_SECRET', 'too-short'],
  ])('refuses a bad %s (%s) with an error that names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^Environment variable ${name} is invalid`));
  });

  it('refuses to run in production with the default JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET must be set/);
  });

  it('accepts a set JWT secret in production', () => {
    // Other production-only secrets may still be missing; whatever is refused, it is not JWT_SECRET.
    const load = () => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-that-is-long-enough-0123' });
    let environment: string | undefined;
    let message = '';
    try {
      environment = load().environment;
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toMatch(/JWT_SECRET/);
    if (!message) expect(environment).toBe('production');
  });

  it('allows browser pages of the public URL to open /ws by default, the listed origins when set, or any with *', () => {
    expect(loadConfig({}).realtime.allowedOrigins).toEqual(['http://127.0.0.1:3000']);
    expect(loadConfig({ PUBLIC_URL: 'https://shop.example/base/' }).realtime.allowedOrigins).toEqual(['https://shop.example']);
    expect(loadConfig({ REALTIME_ALLOWED_ORIGINS: 'https://a.example, https://b.example:8443/' }).realtime.allowedOrigins).toEqual(['https://a.example', 'https://b.example:8443']);
    expect(loadConfig({ REALTIME_ALLOWED_ORIGINS: '*' }).realtime.allowedOrigins).toBe('*');
  });

  it('refuses an allowed origin that is not a URL, naming REALTIME_ALLOWED_ORIGINS', () => {
    expect(() => loadConfig({ REALTIME_ALLOWED_ORIGINS: 'https://a.example, shop' })).toThrow(/REALTIME_ALLOWED_ORIGINS is invalid \("shop"\)/);
    expect(() => loadConfig({ REALTIME_MAX_BUFFERED_BYTES: '0' })).toThrow(/REALTIME_MAX_BUFFERED_BYTES/);
  });
});
