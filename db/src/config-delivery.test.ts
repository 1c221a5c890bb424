import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig: couriers and carrier webhooks', () => {
  it('has working development defaults: 25 km/h, 120 courier requests a minute, 300 s tolerance, two development carriers', () => {
    const { delivery } = loadConfig({});
    expect(delivery).toMatchObject({ courierAverageSpeedKmh: 25, courierRateLimitMaxPerMinute: 120, carrierWebhookToleranceSeconds: 300 });
    expect(Object.keys(delivery.carrierWebhookSecrets).sort()).toEqual(['aftership', 'generic']);
  });

  it('reads carrier secrets as <carrier>=<secret> pairs', () => {
    const { delivery } = loadConfig({ CARRIER_WEBHOOK_SECRETS: 'dhl=0123456789abcdef-dhl,aftership=0123456789abcdef-as' });
    expect(delivery.carrierWebhookSecrets).toEqual({ dhl: '0123456789abcdef-dhl', aftership: '0123456789abcdef-as' });
  });

  it.each([
    ['CARRIER_WEBHOOK_SECRETS', 'dhl=short'],
    ['CARRIER_WEBHOOK_SECRETS', 'DHL Express=0123456789abcdef'],
    ['CARRIER_WEBHOOK_TOLERANCE_SECONDS', '1'],
    ['COURIER_AVERAGE_SPEED_KMH', '0'],
    ['COURIER_RATE_LIMIT_MAX_PER_MINUTE', 'lots'],
  ])('refuses a bad %s (%s) with an error that names the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it('refuses the development carrier secrets in production', () => {
    const production = {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-real-production-secret-of-32-characters!',
      QR_SIGNING_SECRET: 'another-real-production-secret-32-chars',
      STRIPE_SECRET_KEY: 'sk_live_minishopProductionKey',
      STRIPE_WEBHOOK_SECRET: 'whsec_minishopProductionSecret',
    };
    expect(() => loadConfig(production)).toThrow(/CARRIER_WEBHOOK_SECRETS must be set/);
    expect(loadConfig({ ...production, CARRIER_WEBHOOK_SECRETS: 'dhl=a-production-carrier-secret' }).delivery.carrierWebhookSecrets).toEqual({ dhl: 'a-production-carrier-secret' });
  });
});
