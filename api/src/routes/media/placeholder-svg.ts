/**
 * A product placeholder image drawn from its name alone: the same name always gives the same picture, so
 * it can be cached forever and needs no storage. Colours come from a hash of the name, the glyph from the
 * name's initials.
 */
export const PLACEHOLDER_NAME_PATTERN = '^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$';

/** FNV-1a, 32 bits: tiny, stable across runs and platforms, and spreads similar names apart. */
export function hashName(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index += 1) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** `jasmine-pearls` -> `JP`, `matcha` -> `M`, `air-max-90` -> `AM`. */
export function initialsOf(name: string): string {
  const words = name.split('-').filter((word) => /^[a-z]/.test(word));
  const letters = (words.length ? words : name.split('-')).slice(0, 2).map((word) => word.charAt(0));
  return letters.join('').toUpperCase();
}

function titleOf(name: string): string {
  return name
    .split('-')
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join(' ');
}

export function renderPlaceholderSvg(name: string): string {
  const hash = hashName(name);
  const hue = hash % 360;
  const accentHue = (hue + 24 + ((hash >>> 9) % 48)) % 360;
  const circleX = 40 + ((hash >>> 12) % 320);
  const circleY = 40 + ((hash >>> 20) % 120);
  const initials = initialsOf(name);
  const fontSize = initials.length > 1 ? 148 : 176;
  // Only [a-z0-9-] reaches here (the route checks the pattern), so the text needs no escaping.
  return `<svg xmlns="http://www.w3.org/2000/svg" width="400" height="400" viewBox="0 0 400 400" role="img" aria-label="${titleOf(name)}">
<title>${titleOf(name)}</title>
<defs><linearGradient id="background" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="hsl(${hue} 62% 62%)"/><stop offset="1" stop-color="hsl(${accentHue} 58% 42%)"/>
</linearGradient></defs>
<rect width="400" height="400" fill="url(#background)"/>
<circle cx="${circleX}" cy="${circleY}" r="150" fill="#ffffff" fill-opacity="0.12"/>
<circle cx="${400 - circleX}" cy="${400 - circleY / 2}" r="90" fill="#ffffff" fill-opacity="0.08"/>
<text x="200" y="200" dy="0.35em" text-anchor="middle" font-family="ui-rounded, 'SF Pro Rounded', system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="${fontSize}" font-weight="700" letter-spacing="4" fill="#ffffff" fill-opacity="0.92">${initials}</text>
</svg>
`;
}
