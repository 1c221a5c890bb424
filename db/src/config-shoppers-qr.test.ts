import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: shopper sessions and QR codes', () => {
  it('leaves Telegram off without a bot token and has working defaults for the rest', () => {
    const config = loadConfig({});
    expect(config.shoppers).toEqual({ telegramBotToken: null, telegramInitDataMaxAgeSeconds: 86_400, sessionTtlSeconds: 86_400 });
    expect(config.qr.signingSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('reads the bot token, the initData age and the session lifetime', () => {
    const config = loadConfig({ TELEGRAM_BOT_TOKEN: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11', TELEGRAM_INIT_DATA_MAX_AGE_SECONDS: '600', SHOPPER_SESSION_TTL_SECONDS: '3600' });
    expect(config.shoppers).toEqual({ telegramBotToken: '123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11', telegramInitDataMaxAgeSeconds: 600, sessionTtlSeconds: 3600 });
  });

  it.each([
    ['TELEGRAM_BOT_TOKEN', 'not-a-bot-token'],
    ['TELEGRAM_INIT_DATA_MAX_AGE_SECONDS', '5'],
    ['SHOPPER_SESSION_TTL_SECONDS', 'forever'],
    ['QR_SIGNING_SECRET', 'too-short'],
  ])('refuses a bad %s (%s) with an error that names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses the development QR secret in production', () => {
    // Every other production secret set, so that only the QR secret is missing.
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-of-32-characters!',
      STRIPE_SECRET_KEY: 'sk_live_minishopProductionKey',
      STRIPE_WEBHOOK_SECRET: 'whsec_minishopProductionSecret',
      CARRIER_WEBHOOK_SECRETS: 'acme=a-production-carrier-secret',
    };
    expect(() => loadConfig(production)).toThrow(/QR_SIGNING_SECRET must be set/);
    expect(loadConfig({ ...production, QR_SIGNING_SECRET: 'another-real-production-secret-32-chars' }).qr.signingSecret).toBe('another-real-production-secret-32-chars');
  });
});
