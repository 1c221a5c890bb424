import { describe, expect, it } from 'vitest';
import { version } from 'uuid';
import { isUuid, requestIdGenerator } from './ids.ts';

describe('requestIdGenerator', () => {
  it('hands out distinct UUIDv8s, counting up after a prefix drawn per generator', () => {
    const first = requestIdGenerator();
    const second = requestIdGenerator();
    const ids = Array.from({ length: 1_000 }, () => first());
    expect(new Set(ids).size).toBe(1_000);
    for (const id of [...ids, second()]) {
      expect(isUuid(id), id).toBe(true);
      expect(version(id)).toBe(8);
      expect(id[19], id).toMatch(/[89ab]/);
    }
    expect(ids[0]!.slice(0, 24)).toBe(ids[999]!.slice(0, 24));
    expect(ids[999]!.slice(24)).toBe((1_000).toString(16).padStart(12, '0'));
    expect(second().slice(0, 24)).not.toBe(ids[0]!.slice(0, 24));
  });
});
