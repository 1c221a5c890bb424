import { describe, expect, it } from 'vitest';
import { CatalogCache, strongEtag, type CachedResponse, type LoadedResponse } from './catalog-cache.ts';

function enabledCache(options: Partial<ConstructorParameters<typeof CatalogCache>[0]> = {}) {
  const cache = new CatalogCache({ ttlMs: 1_000, ...options });
  cache.setEnabled(true);
  return cache;
}

function deferred<Value>() {
  let resolve!: (value: Value) => void;
  const promise = new Promise<Value>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** A loader that counts its calls and answers `value` for `shopId`. */
function counting(shopId: string, value: (call: number) => unknown = (call) => call) {
  const loader = async (): Promise<LoadedResponse> => ({ shopId, value: value(++loader.calls) });
  loader.calls = 0;
  return loader;
}

/** What a hit or a load answers, as text. */
async function text(answer: CachedResponse | Promise<CachedResponse>): Promise<string> {
  return (await answer).body.toString();
}

/** A hit is answered synchronously; anything else is a promise. */
function isHit(answer: CachedResponse | Promise<CachedResponse>): boolean {
  return !(answer instanceof Promise);
}

describe('CatalogCache', () => {
  it('serializes a loaded answer once, with a strong ETag of exactly those bytes, and then answers from memory', async () => {
    const cache = enabledCache();
    const loader = counting('shop-1', () => ({ items: [1, 2] }));
    const first = await cache.get('key', loader);
    expect(first.body.toString()).toBe('{"items":[1,2]}');
    expect(first.etag).toBe(strongEtag(first.body));
    expect(first.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const second = cache.get('key', loader);
    expect(isHit(second)).toBe(true);
    expect(await text(second)).toBe('{"items":[1,2]}');
    expect(loader.calls).toBe(1);
  });

  it('past its TTL, serves the entry once more while one refresh runs, then the refreshed answer', async () => {
    let nowMs = 0;
    const cache = enabledCache({ ttlMs: 100, nowMs: () => nowMs });
    const gate = deferred<void>();
    let calls = 0;
    const loader = async (): Promise<LoadedResponse> => {
      calls += 1;
      if (calls > 1) await gate.promise;
      return { shopId: 'a', value: calls };
    };
    await cache.get('key', loader);
    nowMs = 100;
    const during = [cache.get('key', loader), cache.get('key', loader)];
    expect(during.every(isHit)).toBe(true);
    expect(await Promise.all(during.map(text))).toEqual(['1', '1']);
    expect(calls).toBe(2);
    gate.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(await text(cache.get('key', loader))).toBe('2');
  });

  it('drops an expired entry whose refresh fails, so the failure (e.g. a shop closed behind its back) shows next', async () => {
    let nowMs = 0;
    const cache = enabledCache({ ttlMs: 100, nowMs: () => nowMs });
    await cache.get('key', counting('a'));
    nowMs = 100;
    const failing = async (): Promise<LoadedResponse> => Promise.reject(new Error('no such shop'));
    expect(isHit(cache.get('key', failing))).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
    await expect(cache.get('key', failing)).rejects.toThrow('no such shop');
  });

  it("drops every entry of an invalidated shop and none of another shop's", async () => {
    const cache = enabledCache();
    await cache.get('a1', counting('a', () => 'a1'));
    await cache.get('a2', counting('a', () => 'a2'));
    await cache.get('b1', counting('b', () => 'b1'));
    cache.invalidateShop('a');
    expect(cache.size).toBe(1);
    expect(isHit(cache.get('a1', counting('a')))).toBe(false);
    expect(isHit(cache.get('b1', counting('b')))).toBe(true);
  });

  it('does not keep an answer whose load overlapped an invalidation of its shop (it may hold rows from before the write)', async () => {
    const cache = enabledCache();
    const gate = deferred<void>();
    const loading = cache.get('key', async () => {
      await gate.promise;
      return { shopId: 'a', value: 'read before the write' };
    });
    cache.invalidateShop('a');
    gate.resolve();
    expect(await text(loading)).toBe('"read before the write"');
    expect(cache.size).toBe(0);
  });

  it("keeps an answer whose load overlapped only another shop's invalidation", async () => {
    const cache = enabledCache();
    const gate = deferred<void>();
    const loading = cache.get('key', async () => {
      await gate.promise;
      return { shopId: 'a', value: 'unaffected' };
    });
    cache.invalidateShop('b');
    gate.resolve();
    await loading;
    expect(isHit(cache.get('key', counting('a')))).toBe(true);
  });

  it('shares one load between concurrent misses of a key', async () => {
    const cache = enabledCache();
    const gate = deferred<void>();
    let calls = 0;
    const loader = async (): Promise<LoadedResponse> => {
      calls += 1;
      await gate.promise;
      return { shopId: 'a', value: calls };
    };
    const answers = [cache.get('key', loader), cache.get('key', loader), cache.get('key', loader)];
    gate.resolve();
    expect(await Promise.all(answers.map(text))).toEqual(['1', '1', '1']);
    expect(calls).toBe(1);
  });

  it('does not share a load started before an invalidation with a request that came after it', async () => {
    const cache = enabledCache();
    const gate = deferred<void>();
    const early = cache.get('key', async () => {
      await gate.promise;
      return { shopId: 'a', value: 'old' };
    });
    cache.invalidateShop('a');
    const late = cache.get('key', async () => ({ shopId: 'a', value: 'new' }));
    gate.resolve();
    expect(await text(early)).toBe('"old"');
    expect(await text(late)).toBe('"new"');
    expect(await text(cache.get('key', counting('a')))).toBe('"new"');
  });

  it('passes a load failure to every waiter and caches nothing', async () => {
    const cache = enabledCache();
    const failing = async (): Promise<LoadedResponse> => Promise.reject(new Error('no such shop'));
    await expect(Promise.all([cache.get('key', failing), cache.get('key', failing)])).rejects.toThrow('no such shop');
    expect(cache.size).toBe(0);
  });

  it('stores nothing while disabled (not hearing invalidations) or with a TTL of 0', async () => {
    const disabled = new CatalogCache({ ttlMs: 1_000 });
    await disabled.get('key', counting('a'));
    expect(disabled.size).toBe(0);

    const noTtl = enabledCache({ ttlMs: 0 });
    await noTtl.get('key', counting('a'));
    expect(noTtl.size).toBe(0);
  });

  it('empties itself when disabled, and does not keep a load that was running then', async () => {
    const cache = enabledCache();
    await cache.get('key', counting('a'));
    const gate = deferred<void>();
    const running = cache.get('other', async () => {
      await gate.promise;
      return { shopId: 'b', value: 1 };
    });
    cache.setEnabled(false);
    cache.setEnabled(true);
    gate.resolve();
    await running;
    expect(cache.size).toBe(0);
  });

  it('evicts the oldest entries beyond its size bound', async () => {
    const cache = enabledCache({ maxEntries: 2 });
    for (const key of ['one', 'two', 'three']) await cache.get(key, counting('a', () => key));
    expect(cache.size).toBe(2);
    expect(isHit(cache.get('one', counting('a')))).toBe(false);
    expect(await text(cache.get('three', counting('a')))).toBe('"three"');
  });
});
