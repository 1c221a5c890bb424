import { PerformanceObserver, constants, type PerformanceEntry } from 'node:perf_hooks';

/** The garbage collections of this process so far: scavenges, full (mark-compact) ones and their pauses. */
export interface GarbageCollections {
  scavenges: number;
  fullCollections: number;
  /** The main thread's pause at the end of each full collection (not its incremental marking steps before). */
  fullCollectionPauseMs: number;
}

/**
 * Counts this process's garbage collections from Node's `gc` performance entries, for a benchmark's API
 * process to report beside its CPU time: the ledger's open-loop tail follows its full collections
 * (docs/performance.md). `collectionsBetween` gives what happened between two snapshots.
 */
export function countGarbageCollections(): { snapshot(): GarbageCollections } {
  const counted: GarbageCollections = { scavenges: 0, fullCollections: 0, fullCollectionPauseMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) counted.scavenges += 1;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        counted.fullCollections += 1;
        counted.fullCollectionPauseMs += entry.duration;
      }
    }
  }).observe({ entryTypes: ['gc'] });
  return { snapshot: () => ({ ...counted }) };
}

/** What happened between two snapshots, pauses rounded to a tenth of a millisecond. */
export function collectionsBetween(before: GarbageCollections, after: GarbageCollections): GarbageCollections {
  return {
    scavenges: after.scavenges - before.scavenges,
    fullCollections: after.fullCollections - before.fullCollections,
    fullCollectionPauseMs: Math.round((after.fullCollectionPauseMs - before.fullCollectionPauseMs) * 10) / 10,
  };
}
