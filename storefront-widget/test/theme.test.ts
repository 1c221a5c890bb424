import { describe, expect, it } from 'vitest';
import { accentColours, contrastRatio } from '../src/panel/theme.ts';

describe("the host theme's accent colour", () => {
  it('keeps a colour that reaches WCAG AA with white text, and puts white on it', () => {
    expect(accentColours('#1c5a96')).toEqual({ accent: '#1c5a96', onAccent: '#ffffff' });
  });

  it('puts near-black text on a light accent', () => {
    const { accent, onAccent } = accentColours('#ffd54f');
    expect(accent).toBe('#ffd54f');
    expect(onAccent).toBe('#1a1a1a');
    expect(contrastRatio(accent, onAccent)).toBeGreaterThanOrEqual(4.5);
  });

  it("replaces an accent that reaches AA with neither white nor black text (Telegram's #2481cc)", () => {
    expect(contrastRatio('#2481cc', '#ffffff')).toBeLessThan(4.5);
    expect(contrastRatio('#2481cc', '#1a1a1a')).toBeLessThan(4.5);
    expect(accentColours('#2481cc')).toEqual({ accent: '#0b57d0', onAccent: '#ffffff' });
  });

  it('ignores a value that is not a #rrggbb colour', () => {
    expect(accentColours('red; background: url(x)')).toEqual({ accent: '#0b57d0', onAccent: '#ffffff' });
    expect(accentColours(null)).toEqual({ accent: '#0b57d0', onAccent: '#ffffff' });
  });
});
