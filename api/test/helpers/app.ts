import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import { createTestEnvironment, type TestEnvironment } from '../../../db/src/testing/databases.ts';

export interface TestApp extends TestEnvironment {
  app: FastifyInstance;
  close(): Promise<void>;
}

/** The whole API on a fresh database and Redis prefix of its own; call close() in afterAll. */
export async function buildTestApp(overrides: Parameters<typeof createTestEnvironment>[0] = {}): Promise<TestApp> {
  const environment = await createTestEnvironment(overrides);
  const app = await buildApp(environment.config, { database: environment.database, logger: process.env.DEBUG_LOG ? { level: 'error' } : false });
  await app.ready();
  return {
    ...environment,
    app,
    async close() {
      await app.close();
      await environment.cleanup();
    },
  };
}

/** A log destination in memory: give `stream` to the app's logger, read what it wrote in `lines` (one JSON line each). */
export function captureLog(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { stream, lines };
}
