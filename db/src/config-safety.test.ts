import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig, parseTrustProxy } from './config.ts';

/** Every secret set to a value of its own, so that one test can take exactly one away. */
const REAL_SECRETS = {
  JWT_SECRET: 'a-real-secret-of-at-least-32-characters!',
  QR_SIGNING_SECRET: 'another-real-secret-of-32-characters!!',
  STRIPE_SECRET_KEY: 'sk_live_realAccountKey',
  STRIPE_WEBHOOK_SECRET: 'whsec_realAccountSecret',
  CARRIER_WEBHOOK_SECRETS: 'generic=a-real-carrier-signing-secret',
};

describe('TRUST_PROXY', () => {
  it('is off by default, so X-Forwarded-For is ignored', () => {
    expect(loadConfig({}).http.trustProxy).toBe(false);
  });

  it('reads true, a hop count, and a list of addresses, CIDR ranges and named ranges', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).http.trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1' }).http.trustProxy).toEqual(['10.0.0.1']);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 192.168.1.5,fd00::/8,loopback' }).http.trustProxy).toEqual(['10.0.0.0/8', '192.168.1.5', 'fd00::/8', 'loopback']);
  });

  it.each(['yes', '0', '11', '10.0.0.300', '10.0.0.0/33', 'fd00::/129', '10.0.0.1,', 'proxy.example', '10.0.0.0/8/1'])(
    'refuses %j with an error that names TRUST_PROXY',
    (value) => {
      expect(() => parseTrustProxy(value)).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: value })).toThrow(/^Environment variable TRUST_PROXY is invalid/);
    },
  );
});

describe('development secrets', () => {
  it('tells loopback addresses from others', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.20', 'shop.example', '128.0.0.1']) expect(isLoopbackHost(host), host).toBe(false);
  });

  it('are accepted on a loopback HOST outside production', () => {
    expect(loadConfig({ HOST: '127.0.0.1' }).auth.jwtSecret).toBe('minishop-development-secret-change-me-in-production');
    expect(loadConfig({ HOST: '::1', NODE_ENV: 'test' }).http.host).toBe('::1');
  });

  it.each(Object.keys(REAL_SECRETS))('refuse the default %s on a non-loopback HOST even in development, naming the variable', (variable) => {
    const environment: Record<string, string> = { ...REAL_SECRETS, NODE_ENV: 'development', HOST: '0.0.0.0' };
    delete environment[variable];
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(new RegExp(`^Environment variable ${variable} must be set .* when the API listens on a non-loopback address \\(HOST=0\\.0\\.0\\.0\\)`));
  });

  it('refuse the defaults in production even on loopback', () => {
    expect(() => loadConfig({ ...REAL_SECRETS, JWT_SECRET: '', NODE_ENV: 'production', HOST: '127.0.0.1' })).toThrow(/^Environment variable JWT_SECRET must be set .* when NODE_ENV=production/);
  });

  it('let a non-loopback HOST start once every secret is set', () => {
    const config = loadConfig({ ...REAL_SECRETS, NODE_ENV: 'test', HOST: '10.0.0.5' });
    expect(config.http.host).toBe('10.0.0.5');
    expect(config.auth.jwtSecret).toBe(REAL_SECRETS.JWT_SECRET);
  });
});

describe('SEED_DEMO_IN_PRODUCTION', () => {
  it('is no by default and reads yes', () => {
    expect(loadConfig({}).seed.demoInProduction).toBe(false);
    expect(loadConfig({ SEED_DEMO_IN_PRODUCTION: 'yes' }).seed.demoInProduction).toBe(true);
  });

  it('refuses anything but yes or no, naming the variable', () => {
    expect(() => loadConfig({ SEED_DEMO_IN_PRODUCTION: 'true' })).toThrow(/^Environment variable SEED_DEMO_IN_PRODUCTION is invalid/);
  });
});
