import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config.ts';
import { retryDelayMs } from './webhook-deliveries.service.ts';
import { signatureHeader, verifySignatureHeader } from './webhook-signature.ts';
import { callbackUrlProblem } from './webhook-url.ts';

describe('the webhook retry schedule', () => {
  it('spreads the default ten attempts over more than a day, each wait three times the last up to eight hours', () => {
    const { webhooks } = loadConfig({});
    const waits = Array.from({ length: webhooks.maxAttempts - 1 }, (_, index) => retryDelayMs(index + 1, webhooks));
    const minutes = waits.map((wait) => wait / 60_000);
    expect(minutes).toEqual([1, 3, 9, 27, 81, 243, 480, 480, 480]);
    const totalHours = waits.reduce((sum, wait) => sum + wait, 0) / 3_600_000;
    expect(totalHours).toBeGreaterThan(24);
    expect(totalHours).toBeLessThan(31);
  });
});

describe('the Minishop-Signature header', () => {
  const secret = 'whsec_test_secret_of_enough_length_12345';
  const body = '{"id":"1","type":"order.paid"}';

  it('verifies a header made for the same body, secret and a recent time', () => {
    const now = 1_800_000_000;
    expect(verifySignatureHeader(secret, body, signatureHeader(secret, body, now), now + 10)).toBe(true);
  });

  it('refuses another body, another secret, an old timestamp and a malformed header', () => {
    const now = 1_800_000_000;
    const header = signatureHeader(secret, body, now);
    expect(verifySignatureHeader(secret, `${body} `, header, now)).toBe(false);
    expect(verifySignatureHeader(`${secret}x`, body, header, now)).toBe(false);
    expect(verifySignatureHeader(secret, body, header, now + 301)).toBe(false);
    expect(verifySignatureHeader(secret, body, 'v1=abc', now)).toBe(false);
    expect(verifySignatureHeader(secret, body, header.replace(/v1=[0-9a-f]/, 'v1=z'), now)).toBe(false);
  });
});

describe('callback URLs', () => {
  it('takes https anywhere, and plain http only to loopback outside production', () => {
    expect(callbackUrlProblem('https://shop.example.com/hooks', 'production')).toBeNull();
    expect(callbackUrlProblem('http://127.0.0.1:4000/hooks', 'development')).toBeNull();
    expect(callbackUrlProblem('http://localhost/hooks', 'test')).toBeNull();
    expect(callbackUrlProblem('http://127.0.0.1:4000/hooks', 'production')).toBe('must not point at a loopback or private network address');
    expect(callbackUrlProblem('http://shop.example.com/hooks', 'production')).toBe('must use https');
    expect(callbackUrlProblem('http://shop.example.com/hooks', 'development')).toMatch(/must use https/);
    expect(callbackUrlProblem('https://user:password@shop.example.com/', 'development')).toBe('must not carry credentials');
    expect(callbackUrlProblem('shop.example.com/hooks', 'development')).toBe('must be an absolute URL');
  });

  it('refuses, in production, https to loopback and private network addresses', () => {
    for (const url of ['https://127.0.0.1/hooks', 'https://localhost/hooks', 'https://10.1.2.3/', 'https://172.20.0.5/', 'https://192.168.1.1/', 'https://169.254.169.254/latest', 'https://[::1]/', 'https://[fd00::1]/']) {
      expect(callbackUrlProblem(url, 'production'), url).toBe('must not point at a loopback or private network address');
    }
    expect(callbackUrlProblem('https://172.32.0.5/', 'production')).toBeNull();
    expect(callbackUrlProblem('https://8.8.8.8/hooks', 'production')).toBeNull();
  });
});
