import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import pg from 'pg';
import { buildApp } from '../../api/src/app.ts';
import { loadConfig } from '../../db/src/config.ts';

/**
 * The API in a process of its own for the checkout profile (forked with IPC by index.ts): like the
 * checkout benchmark's server, plus a V8 CPU profile of the measured window only ('profile-start', then
 * 'profile-stop' writes it to the path given and answers `{ profileWritten }`), so that start-up and
 * module loading do not dilute it. Between 'statements-start' and 'statements-stop' it also records every
 * statement sent to PostgreSQL through the pg driver (the ORM's and the pool's alike), which index.ts
 * turns into round trips per request.
 */
const recorded: string[] = [];
let recording = false;
const sendQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...parameters: unknown[]) {
  if (recording) {
    const config = parameters[0] as string | { text?: string; name?: string };
    const text = typeof config === 'string' ? config : config.name ? `execute ${config.name}` : (config.text ?? '');
    recorded.push(text.replace(/\s+/g, ' ').trim().slice(0, 100));
  }
  return (sendQuery as (...values: unknown[]) => unknown).apply(this, parameters);
} as typeof pg.Client.prototype.query;
const app = await buildApp(loadConfig(), { logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
const session = new Session();
session.connect();
process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
const close = () => void app.close().then(() => process.exit(0));
process.on('message', (message: unknown) => {
  if (message === 'close') close();
  if (message === 'statements-start') {
    recorded.length = 0;
    recording = true;
    process.send?.({ statementsStarted: true });
  }
  if (message === 'statements-stop') {
    recording = false;
    process.send?.({ statements: [...recorded] });
  }
  if (message === 'profile-start') {
    void (async () => {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: 500 });
      await session.post('Profiler.start');
      process.send?.({ profileStarted: true });
    })();
  }
  if (typeof message === 'object' && message && 'profileStop' in message) {
    void (async () => {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync((message as { profileStop: string }).profileStop, JSON.stringify(profile));
      process.send?.({ profileWritten: true });
    })();
  }
});
process.on('disconnect', close);
