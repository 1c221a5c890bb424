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
  });

  it('lists the demo logins the seed creates', () => {
    for (const login of DEMO_LOGINS) expect(readme).toContain(`| \`${login.email}\` |`);
    expect(readme).toContain('`minishop-demo`');
  });
});
