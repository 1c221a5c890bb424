import { describe, expect, it } from 'vitest';
import { LocalRateLimiter } from './local-rate-limit.ts';

describe('LocalRateLimiter', () => {
  it('allows up to the maximum per key in a window, then refuses, and starts afresh in the next window', () => {
    let nowMs = 1_000;
    const limiter = new LocalRateLimiter(2, 60_000, () => nowMs);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([true, true, false]);
    expect(limiter.take('b')).toBe(true);
    nowMs += 59_000;
    expect(limiter.take('a')).toBe(false);
    expect(limiter.retryAfterSeconds()).toBe(1);
    nowMs += 1_000;
    expect(limiter.take('a')).toBe(true);
  });
});
