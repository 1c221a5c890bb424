import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashName, initialsOf } from '../../src/routes/media/placeholder-svg.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

let testApp: TestApp;
beforeAll(async () => {
  testApp = await buildTestApp();
});
afterAll(() => testApp?.close());

const get = (url: string, headers: Record<string, string> = {}) => testApp.app.inject({ method: 'GET', url, headers });

describe('GET /media/placeholder/:name.svg', () => {
  it('draws an SVG with the initials of the name, cached for a year', async () => {
    const response = await get('/media/placeholder/jasmine-dragon-pearls.svg');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(response.headers.etag).toMatch(/^"[0-9a-f]+-\d+-v\d+"$/);
    expect(response.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*viewBox="0 0 400 400"/);
    expect(response.body).toContain('<title>Jasmine Dragon Pearls</title>');
    expect(response.body).toMatch(/>JD<\/text>/);
    expect(response.body.trim().endsWith('</svg>')).toBe(true);
  });

  it('draws the same picture for the same name and another colour for another name', async () => {
    const first = await get('/media/placeholder/neon-runner-2.svg');
    const again = await get('/media/placeholder/neon-runner-2.svg');
    const other = await get('/media/placeholder/char-siu-bao.svg');
    expect(again.body).toBe(first.body);
    expect(again.headers.etag).toBe(first.headers.etag);
    const colour = (body: string) => /stop-color="(hsl\([^"]+\))"/.exec(body)?.[1];
    expect(colour(other.body)).not.toBe(colour(first.body));
  });

  it('answers 304 without a body when the browser already has it', async () => {
    const first = await get('/media/placeholder/glow-laces.svg');
    const revalidated = await get('/media/placeholder/glow-laces.svg', { 'if-none-match': String(first.headers.etag) });
    expect(revalidated.statusCode).toBe(304);
    expect(revalidated.body).toBe('');
  });

  it('refuses a name that is not a slug with 400, and another extension with 404', async () => {
    for (const name of ['Jasmine', 'tea%20house', '-leading-dash', 'x'.repeat(81), 'a_b']) {
      const response = await get(`/media/placeholder/${name}.svg`);
      expect(response.statusCode, name).toBe(400);
      expect(response.json(), name).toMatchObject({ type: 'validation', errors: { name: expect.any(String) } });
    }
    expect((await get('/media/placeholder/jasmine.png')).statusCode).toBe(404);
  });

  it('needs no authentication', async () => {
    expect((await get('/media/placeholder/matcha.svg')).statusCode).toBe(200);
  });
});

describe('placeholder drawing', () => {
  it('takes the initials of the first two words, skipping words that start with a digit', () => {
    expect(initialsOf('jasmine-dragon-pearls')).toBe('JD');
    expect(initialsOf('matcha')).toBe('M');
    expect(initialsOf('2024-harvest')).toBe('H');
    expect(initialsOf('42')).toBe('4');
  });

  it('hashes names stably', () => {
    expect(hashName('jasmine-dragon-pearls')).toBe(hashName('jasmine-dragon-pearls'));
    expect(hashName('a')).not.toBe(hashName('b'));
    expect(hashName('')).toBe(0x811c9dc5);
  });
});
