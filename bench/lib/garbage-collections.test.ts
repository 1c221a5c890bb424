import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { collectionsBetween, countGarbageCollections } from './garbage-collections.ts';

setFlagsFromString('--expose-gc');
const fullCollection = runInNewContext('gc') as () => void;
const settled = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('countGarbageCollections', () => {
  it('counts full collections with their pauses, and scavenges, from the process itself', async () => {
    const collections = countGarbageCollections();
    const before = collections.snapshot();
    fullCollection();
    fullCollection();
    let kept: number[][] = [];
    for (let round = 0; round < 2_000; round += 1) kept = [new Array(1_000).fill(round)];
    expect(kept).toHaveLength(1);
    await settled();
    const between = collectionsBetween(before, collections.snapshot());
    expect(between.fullCollections).toBeGreaterThanOrEqual(2);
    expect(between.fullCollectionPauseMs).toBeGreaterThan(0);
    expect(between.scavenges).toBeGreaterThan(0);
    // Nothing happens between two snapshots with no collection in between.
    const quiet = collections.snapshot();
    expect(collectionsBetween(quiet, quiet)).toEqual({ scavenges: 0, fullCollections: 0, fullCollectionPauseMs: 0 });
  });
});
