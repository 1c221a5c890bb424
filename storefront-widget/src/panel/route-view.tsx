/** A simple built-in route view: the courier's positions as a line, the latest as a dot (no map tiles). */
export interface Position {
  latitude: number;
  longitude: number;
}

const WIDTH = 300;
const HEIGHT = 160;
const PADDING = 16;

export function RouteView({ positions, label }: { positions: Position[]; label: string }) {
  if (positions.length === 0) return null;
  const latitudes = positions.map((position) => position.latitude);
  const longitudes = positions.map((position) => position.longitude);
  const [minLatitude, maxLatitude] = [Math.min(...latitudes), Math.max(...latitudes)];
  const [minLongitude, maxLongitude] = [Math.min(...longitudes), Math.max(...longitudes)];
  // Keep the aspect of the ground: one scale for both axes (longitudes shrink with the cosine of the latitude).
  const shrink = Math.cos((((minLatitude + maxLatitude) / 2) * Math.PI) / 180);
  const span = Math.max((maxLongitude - minLongitude) * shrink, maxLatitude - minLatitude, 1e-6);
  const scale = Math.min(WIDTH - 2 * PADDING, HEIGHT - 2 * PADDING) / span;
  const point = (position: Position) =>
    [PADDING + (position.longitude - minLongitude) * shrink * scale, HEIGHT - PADDING - (position.latitude - minLatitude) * scale] as const;
  const points = positions.map((position) => point(position).map((value) => value.toFixed(1)).join(',')).join(' ');
  const [x, y] = point(positions[positions.length - 1]!);
  return (
    <svg class="route" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <rect width={WIDTH} height={HEIGHT} fill="#eef2f6" rx="8" />
      <polyline points={points} fill="none" stroke="#5f6368" stroke-width="3" stroke-dasharray="6 4" />
      <circle class="courier" cx={x.toFixed(1)} cy={y.toFixed(1)} r="8" fill="var(--accent)" stroke="#fff" stroke-width="3" />
    </svg>
  );
}
