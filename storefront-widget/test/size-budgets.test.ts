import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureWidgetBuilt } from '../../api/test/helpers/widget.ts';

const widgetFolder = fileURLToPath(new URL('..', import.meta.url));

interface SizeLimitResult {
  name: string;
  passed: boolean;
  size: number;
}

/** size-limit's budgets (.size-limit.json) checked on every CI run, on a fresh build. */
describe('the widget size budgets', () => {
  let results: SizeLimitResult[];
  beforeAll(async () => {
    await ensureWidgetBuilt();
    const run = spawnSync('npx', ['size-limit', '--json'], { cwd: widgetFolder, encoding: 'utf8' });
    results = JSON.parse(run.stdout) as SizeLimitResult[];
  }, 120_000);

  it('keeps the loader at or under 2 KB gzipped', () => {
    const loader = results.find((result) => result.name.startsWith('loader'));
    expect(loader?.size).toBeGreaterThan(200);
    expect(loader?.size).toBeLessThanOrEqual(2 * 1000);
    expect(loader?.passed).toBe(true);
  });

  it('keeps the first panel, Preact included, at or under 25 KB gzipped', () => {
    const panel = results.find((result) => result.name.startsWith('first panel'));
    // Preact alone is about 4 KB gzipped: a smaller figure would mean the budget measured nothing.
    expect(panel?.size).toBeGreaterThan(4_000);
    expect(panel?.size).toBeLessThanOrEqual(25 * 1000);
    expect(panel?.passed).toBe(true);
  });

  it('fails the budget when a chunk grows past it', () => {
    const budgets = JSON.parse(readFileSync(`${widgetFolder}.size-limit.json`, 'utf8')) as { path: string | string[]; limit: string }[];
    const tight = budgets.map((budget) => ({ ...budget, path: [budget.path].flat().map((path) => `../${path}`), limit: '100 B' }));
    // Written into the build output (ignored by git), next to what it measures.
    writeFileSync(`${widgetFolder}dist/tight-budgets.json`, JSON.stringify(tight));
    const run = spawnSync('npx', ['size-limit', '--json', '--config', 'dist/tight-budgets.json'], { cwd: widgetFolder, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    const verdicts = (JSON.parse(run.stdout) as SizeLimitResult[]).map((result) => result.passed);
    expect(verdicts).toEqual([false, false]);
  });

  it('gives the loader no static import, so it runs as a classic script', () => {
    const loader = readFileSync(`${widgetFolder}dist/widget.js`, 'utf8');
    expect(loader).not.toMatch(/^\s*import\s|import\.meta/m);
    expect(loader).toMatch(/assets\/panel-[\w-]+\.js/);
  });
});
