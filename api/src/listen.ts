import type { FastifyInstance } from 'fastify';
import type { Config } from '../../db/src/config.ts';
import { StartupError } from '../../db/src/startup-errors.ts';

/**
 * Listens on the configured address; a taken or forbidden port becomes a one-line startup error. Once
 * listening, warns when PostgreSQL's autovacuum is off.
 */
export async function listen(app: FastifyInstance, config: Pick<Config, 'http'>): Promise<string> {
  let address: string;
  try {
    address = await app.listen({ port: config.http.port, host: config.http.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      await app.close();
      throw new StartupError(`Cannot listen on ${config.http.host}:${config.http.port} (${code}); stop what uses it or set PORT / HOST.`);
    }
    throw error;
  }
  // Advice only: a database that cannot answer now shows in /readyz, not here.
  await warnIfAutovacuumIsOff(app).catch(() => undefined);
  return address;
}

/**
 * Without autovacuum, PostgreSQL never refreshes its statistics as the tables grow, and plans made while
 * they were small stay (a foreign key check that walks every order of a merchant): fine for a test
 * database, a slow decay on a server.
 */
async function warnIfAutovacuumIsOff(app: FastifyInstance): Promise<void> {
  const { rows } = await app.database.pool.query<{ autovacuum: string }>('show autovacuum');
  if (rows[0]?.autovacuum !== 'on') app.log.warn('PostgreSQL runs with autovacuum off: its plans go stale as tables grow; turn it on on a server');
}
