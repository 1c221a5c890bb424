import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRY_POINTS, currentBuild, entryFile, staleReason } from './build.mjs';

const rootFolder = fileURLToPath(new URL('..', import.meta.url));

describe('scripts/build.mjs: the compiled build that npm start runs', { timeout: 60_000 }, () => {
  it('calls a build stale when one of its source files changed after it, or is gone, and fresh otherwise', () => {
    const inputs = ['api/src/server.ts', 'db/src/config.ts'];
    expect(staleReason(null)).toBe('no build yet');
    expect(staleReason({ folder: 'unused', builtAtMs: 0, inputs })).toBe('api/src/server.ts changed');
    expect(staleReason({ folder: 'unused', builtAtMs: Date.now() + 3_600_000, inputs: [...inputs, 'db/src/no-such-file.ts'] })).toBe('db/src/no-such-file.ts is gone');
    expect(staleReason({ folder: 'unused', builtAtMs: Date.now() + 3_600_000, inputs })).toBeNull();
  });

  it('builds every entry point into dist/, records its inputs, and is then up to date', () => {
    const result = spawnSync(process.execPath, ['scripts/build.mjs', '--force'], { cwd: rootFolder, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Built dist\/build-\d+-\d+ \(asked to\)/);
    const build = currentBuild()!;
    for (const name of Object.keys(ENTRY_POINTS)) expect(existsSync(entryFile(build, name))).toBe(true);
    expect(build.inputs).toEqual(expect.arrayContaining(['api/src/server.ts', 'workers/src/main.ts', 'scripts/start.ts']));
    expect(build.inputs.some((path) => path.startsWith('node_modules/'))).toBe(false);
    // Our code only: dependencies stay imports of node_modules, and no tsx is involved.
    const api = readFileSync(entryFile(build, 'api'), 'utf8');
    expect(api).not.toContain('tsx');
    const again = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: rootFolder, encoding: 'utf8' });
    // Another engineer's edit may land in between; either way the answer names the build.
    expect(again.stdout).toMatch(/dist\/build-\d+-\d+ (is up to date|\(.* changed\))/);
  });

  it('keeps dist/ out of git', () => {
    const ignored = spawnSync('git', ['check-ignore', 'dist/current.json'], { cwd: rootFolder, encoding: 'utf8' });
    expect(ignored.status).toBe(0);
  });
});
