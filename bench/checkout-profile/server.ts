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
 * statement sent to PostgreSQL through the pg driver (the ORM's and the pool's alike), marking with '+ '
 * those sent while an earlier one of the same connection still waited for its answer (a pipelined
 * transaction, db/src/pool-transaction.ts): index.ts counts the others as round trips per request.
 */
const recorded: string[] = [];
let recording = false;
/** Statements each connection has sent and not yet had answered: one sent while another waits shares its round trip. */
const unanswered = new WeakMap<object, number>();
const PIPELINED_MARK = '+ ';
const sendQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: pg.Client, ...parameters: unknown[]) {
  if (!recording) return (sendQuery as (...values: unknown[]) => unknown).apply(this, parameters);
  const config = parameters[0] as string | { text?: string; name?: string };
  // A prepared statement by its name and the start of its text: the name alone (a hash) says nothing.
  const text = typeof config === 'string' ? config : config.name ? `execute ${config.name}: ${config.text ?? ''}` : (config.text ?? '');
  const waiting = unanswered.get(this) ?? 0;
  recorded.push(`${waiting > 0 ? PIPELINED_MARK : ''}${text.replace(/\s+/g, ' ').trim().slice(0, 140)}`);
  unanswered.set(this, waiting + 1);
  const answered = () => unanswered.set(this, Math.max(0, (unanswered.get(this) ?? 1) - 1));
  const callback = parameters[parameters.length - 1];
  if (typeof callback === 'function') {
    parameters[parameters.length - 1] = (...results: unknown[]) => {
      answered();
      return (callback as (...values: unknown[]) => unknown)(...results);
    };
    return (sendQuery as (...values: unknown[]) => unknown).apply(this, parameters);
  }
  const result = (sendQuery as (...values: unknown[]) => unknown).apply(this, parameters);
  if (result instanceof Promise) result.then(answered, answered);
  else answered();
  return result;
} as typeof pg.Client.prototype.query;
const app = await buildApp(loadConfig());
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
