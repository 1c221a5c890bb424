import { describe, expect, it } from 'vitest';
import { hasLeft, movesStatus } from './shipment-statuses.ts';

const at = (iso: string) => new Date(iso);

describe('shipment statuses', () => {
  it('lets a newer event move the status and an older one not', () => {
    const current = { status: 'in_transit' as const, statusAt: at('2026-12-02T10:00:00Z') };
    expect(movesStatus(current, { status: 'out_for_delivery', happenedAt: at('2026-12-02T11:00:00Z') })).toBe(true);
    expect(movesStatus(current, { status: 'picked_up', happenedAt: at('2026-12-02T09:00:00Z') })).toBe(false);
  });

  it('lets a parcel still at the shop leave even with an event a little older than its label', () => {
    const labelled = { status: 'label_created' as const, statusAt: at('2026-12-02T10:00:05Z') };
    expect(movesStatus(labelled, { status: 'picked_up', happenedAt: at('2026-12-02T10:00:00Z') })).toBe(true);
    expect(movesStatus(labelled, { status: 'confirmed', happenedAt: at('2026-12-02T10:00:00Z') })).toBe(false);
  });

  it('never moves a delivered or returned shipment, even with a newer event', () => {
    expect(movesStatus({ status: 'delivered', statusAt: at('2026-12-02T10:00:00Z') }, { status: 'in_transit', happenedAt: at('2026-12-02T12:00:00Z') })).toBe(false);
    expect(movesStatus({ status: 'returned', statusAt: at('2026-12-02T10:00:00Z') }, { status: 'delivered', happenedAt: at('2026-12-02T12:00:00Z') })).toBe(false);
  });

  it('counts a parcel as gone from picked up on, but not while only labelled or confirmed', () => {
    expect(hasLeft('label_created')).toBe(false);
    expect(hasLeft('confirmed')).toBe(false);
    expect(hasLeft('failure')).toBe(false);
    expect(hasLeft('picked_up')).toBe(true);
    expect(hasLeft('delivered')).toBe(true);
  });
});
