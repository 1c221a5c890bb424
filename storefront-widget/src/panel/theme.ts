/** Host theme colours, kept at WCAG AA contrast (4.5:1 for text). */

function channels(hex: string): [number, number, number] | null {
  const match = /^#?([0-9a-f]{6})$/i.exec(hex.trim());
  if (!match) return null;
  const value = Number.parseInt(match[1]!, 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

function luminance([red, green, blue]: [number, number, number]): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue);
}

export function contrastRatio(first: string, second: string): number {
  const a = channels(first);
  const b = channels(second);
  if (!a || !b) return 1;
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

const DEFAULT_ACCENT = '#0b57d0';

/**
 * The accent the host asked for, with the text colour (white or near-black) that reads best on it; an
 * accent that reaches AA with neither is replaced by our own, since legibility beats the brand.
 */
export function accentColours(wanted: string | null | undefined): { accent: string; onAccent: string } {
  const accent = wanted && channels(wanted) ? `#${channels(wanted)!.map((c) => c.toString(16).padStart(2, '0')).join('')}` : DEFAULT_ACCENT;
  const onAccent = contrastRatio(accent, '#ffffff') >= contrastRatio(accent, '#1a1a1a') ? '#ffffff' : '#1a1a1a';
  if (contrastRatio(accent, onAccent) < 4.5) return { accent: DEFAULT_ACCENT, onAccent: '#ffffff' };
  return { accent, onAccent };
}
