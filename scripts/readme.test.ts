import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_LOGINS } from '../db/src/seeds/demo.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const configSource = readFileSync(new URL('../db/src/config.ts', import.meta.url), 'utf8');

describe('README.md', () => {
  it('documents every environment variable that db/src/config.ts reads, and no other', () => {
    const read = [...configSource.matchAll(/^ {2}([A-Z][A-Z0-9_]+): Type\./gm)].map((match) => match[1]);
    const documented = [...readme.matchAll(/^\| `([A-Z][A-Z0-9_]+)` \|/gm)].map((match) => match[1]);
    expect(read.length).toBeGreaterThan(10);
    expect(documented.filter((name) => !read.includes(name)), 'documented but not read').toEqual([]);
    expect(read.filter((name) => !documented.includes(name)), 'read by db/src/config.ts but missing from the README table').toEqual([]);
    expect(documented.filter((name, index) => documented.indexOf(name) !== index), 'documented more than once').toEqual([]);
  });

  it('lists every kind of address the platform answers on', () => {
    const urls = readme.slice(readme.indexOf('## URLs'), readme.indexOf('## Demo data'));
    for (const path of ['/api/admin/', '/api/store/', '/api/courier/', '/api/webhooks/carriers/', '/api/webhooks/stripe', '/api/admin/webhook-endpoints', '/courier`', '/ws`', '/admin/queues', '/metrics', '/s/<token>']) {
      expect(urls, path).toContain(path);
    }
  });

  it('lists the demo logins the seed creates', () => {
    for (const login of DEMO_LOGINS) expect(readme).toContain(`| \`${login.email}\` |`);
    expect(readme).toContain('`minishop-demo`');
  });

  it('tells how to see the seeded delivery on its way and the demo courier ride it on', () => {
    const demo = readme.slice(readme.indexOf('## Demo data'), readme.indexOf('## Configuration'));
    expect(demo).toContain('out for delivery');
    expect(demo).toContain('npm run demo:courier');
    expect(demo).toContain('minishop-demo-shopper-device');
  });
});
