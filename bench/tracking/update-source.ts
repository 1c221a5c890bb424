import type { BenchClient } from '../checkout/client.ts';

/**
 * Where the benchmark's updates come from, behind one small interface: couriers' phones posting
 * positions through the courier API (`POST /api/courier/shipments/:id/positions`, each courier with its
 * own `mcr_` token), one shipment after another, each fix a little further along and newer than the
 * shipment's last one (an older fix would be ignored and reach no socket). Every update becomes a
 * `shipment.tracking_event_recorded` event, a `tracking` message on the order's topic.
 */
export interface UpdateSource {
  /** How many updates it can make in all. */
  capacity: number;
  /** Makes the next update; resolves with its key (what the socket message will carry) and HTTP status. */
  next(): { key: string; done: Promise<number> } | null;
  /** The key of a message received on a socket, to match it with its update; null for other messages. */
  keyOf(message: { type?: string; payload?: { ids?: string[]; shipmentId?: string; happenedAt?: string } }): string | null;
}

/** A shipment on its way, and the token of the courier carrying it. */
export interface TrackedShipment {
  shipmentId: string;
  courierToken: string;
}

export function courierPositionSource(client: BenchClient, shipments: TrackedShipment[], capacity: number): UpdateSource {
  const lastFixMs = new Map<string, number>();
  let index = 0;
  return {
    capacity,
    next() {
      if (index >= capacity || shipments.length === 0) return null;
      const shipment = shipments[index % shipments.length] as TrackedShipment;
      const step = Math.floor(index / shipments.length);
      index += 1;
      // Newer than this shipment's previous fix even within one millisecond, so none is ignored as stale.
      const recordedAtMs = Math.max(Date.now(), (lastFixMs.get(shipment.shipmentId) ?? 0) + 1);
      lastFixMs.set(shipment.shipmentId, recordedAtMs);
      const recordedAt = new Date(recordedAtMs).toISOString();
      const body = { latitude: 52.52 + step * 0.0005, longitude: 13.405 + step * 0.0005, accuracyMeters: 10, recordedAt };
      const done = client
        .request('POST', `/api/courier/shipments/${shipment.shipmentId}/positions`, { token: shipment.courierToken, body })
        .then((response) => response.status);
      return { key: `${shipment.shipmentId}:${recordedAt}`, done };
    },
    keyOf(message) {
      const { shipmentId, happenedAt } = message.payload ?? {};
      if (message.type !== 'tracking' || !shipmentId || !happenedAt) return null;
      return `${shipmentId}:${happenedAt}`;
    },
  };
}
