import { describe, expect, it } from 'vitest';
import { etaFrom, haversineMeters } from './geo.ts';

describe('courier distances', () => {
  it('measures one degree of latitude as about 111 km', () => {
    expect(haversineMeters({ latitude: 48, longitude: 2 }, { latitude: 49, longitude: 2 })).toBeCloseTo(111_195, -2);
  });

  it('measures Paris to London as about 344 km', () => {
    expect(haversineMeters({ latitude: 48.8566, longitude: 2.3522 }, { latitude: 51.5074, longitude: -0.1278 }) / 1000).toBeCloseTo(343.5, 0);
  });

  it('gives an ETA of the remaining distance at the average speed, counted from the position time', () => {
    const at = new Date('2026-12-02T10:00:00Z');
    // 111.2 km at 25 km/h is 4.45 hours.
    const eta = etaFrom({ latitude: 48, longitude: 2 }, { latitude: 49, longitude: 2 }, at, 25);
    expect((eta.getTime() - at.getTime()) / 3_600_000).toBeCloseTo(4.448, 2);
    expect(etaFrom({ latitude: 48, longitude: 2 }, { latitude: 48, longitude: 2 }, at, 25)).toEqual(at);
  });
});
