// A child for bench-process.test.ts: tells its parent how it was started, then waits to be killed.
process.send?.({ execArgv: process.execArgv, mallocArenaMax: process.env.MALLOC_ARENA_MAX, script: process.argv[1] });
setInterval(() => undefined, 60_000);
