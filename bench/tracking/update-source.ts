import type { BenchClient } from '../checkout/client.ts';

/**
 * Where the benchmark's updates come from, behind one small interface so that it is easy to swap: today
 * order transitions through the admin API (pack, then ship, one order after another); once couriers post
 * positions (/api/courier/...), a source that posts a position per update replaces it, with `keyOf`
 * reading the tracking event instead of the status.
 */
export interface UpdateSource {
  /** How many updates it can make in all (each order can be packed once and shipped once). */
  capacity: number;
  /** Makes the next update; resolves with its key (what the socket message will carry) and HTTP status. */
  next(): { key: string; done: Promise<number> } | null;
  /** The key of a message received on a socket, to match it with its update; null for other messages. */
  keyOf(message: { type?: string; payload?: { ids?: string[]; status?: string } }): string | null;
}

export function orderTransitionSource(client: BenchClient, staffToken: string, orderIds: string[]): UpdateSource {
  const steps: { orderId: string; verb: 'pack' | 'ship'; status: 'packed' | 'shipped' }[] = [
    ...orderIds.map((orderId) => ({ orderId, verb: 'pack' as const, status: 'packed' as const })),
    ...orderIds.map((orderId) => ({ orderId, verb: 'ship' as const, status: 'shipped' as const })),
  ];
  let index = 0;
  return {
    capacity: steps.length,
    next() {
      const step = steps[index];
      if (!step) return null;
      index += 1;
      const done = client.request('POST', `/api/admin/orders/${step.orderId}/${step.verb}`, { token: staffToken, body: {} }).then((response) => response.status);
      return { key: `${step.orderId}:${step.status}`, done };
    },
    keyOf(message) {
      const orderId = message.payload?.ids?.[0];
      if (message.type !== 'updated' || !orderId || (message.payload?.status !== 'packed' && message.payload?.status !== 'shipped')) return null;
      return `${orderId}:${message.payload.status}`;
    },
  };
}
