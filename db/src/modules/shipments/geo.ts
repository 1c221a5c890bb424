/** Distances and ETAs for couriers: haversine on a spherical Earth, plenty for a city delivery. */
const EARTH_RADIUS_METERS = 6_371_008.8;

export interface Position {
  latitude: number;
  longitude: number;
}

function radians(degrees: number): number {
  return (degrees * Math.PI) / 180;
}

export function haversineMeters(from: Position, to: Position): number {
  const latitudeDelta = radians(to.latitude - from.latitude);
  const longitudeDelta = radians(to.longitude - from.longitude);
  const a = Math.sin(latitudeDelta / 2) ** 2 + Math.cos(radians(from.latitude)) * Math.cos(radians(to.latitude)) * Math.sin(longitudeDelta / 2) ** 2;
  return 2 * EARTH_RADIUS_METERS * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** When a courier at `from` reaches `to` at an average speed, counted from `at` (the position's time). */
export function etaFrom(from: Position, to: Position, at: Date, averageSpeedKmh: number): Date {
  const seconds = haversineMeters(from, to) / ((averageSpeedKmh * 1000) / 3600);
  return new Date(at.getTime() + Math.round(seconds * 1000));
}
