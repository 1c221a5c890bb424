import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { productionRuntime, startBenchProcess } from './bench-process.ts';

describe('productionRuntime', () => {
  it("reads npm start's V8 flags and malloc arenas, the same the production image runs with", () => {
    const runtime = productionRuntime();
    expect(runtime.nodeFlags).toEqual(expect.arrayContaining([expect.stringMatching(/^--max-semi-space-size=\d+$/), expect.stringMatching(/^--max-old-space-size=\d+$/)]));
    expect(runtime.environment.MALLOC_ARENA_MAX).toMatch(/^\d+$/);
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    expect(dockerfile).toContain(`CMD ["node", ${runtime.nodeFlags.map((flag) => JSON.stringify(flag)).join(', ')}, "scripts/compiled.mjs", "api"]`);
    expect(dockerfile).toContain(`MALLOC_ARENA_MAX=${runtime.environment.MALLOC_ARENA_MAX}`);
  });
});

describe('startBenchProcess', () => {
  it('runs a platform process compiled, on plain Node with those flags, and answers its first message', async () => {
    const { child, message } = await startBenchProcess(new URL('./bench-process.fixture.ts', import.meta.url), { environment: process.env, platform: true });
    try {
      expect(message).toEqual({
        execArgv: productionRuntime().nodeFlags,
        mallocArenaMax: productionRuntime().environment.MALLOC_ARENA_MAX,
        script: expect.stringMatching(/\/dist\/bench-\d+-\d+\/bench-process\.fixture-\d+\.js$/),
      });
      // What runs is the bundle, not the sources through a loader.
      expect(readFileSync(message.script as string, 'utf8')).toContain('process.send?.({ execArgv: process.execArgv');
    } finally {
      child.kill();
    }
  });

  it('runs a load generator from its sources through tsx, without production flags', async () => {
    const { child, message } = await startBenchProcess(new URL('./bench-process.fixture.ts', import.meta.url), { environment: process.env, platform: false });
    try {
      expect(message).toEqual({ execArgv: ['--import', 'tsx'], mallocArenaMax: process.env.MALLOC_ARENA_MAX, script: fileURLToPath(new URL('./bench-process.fixture.ts', import.meta.url)) });
    } finally {
      child.kill();
    }
  });
});
