import type { FastifyInstance } from 'fastify';
import type { Config } from '../../db/src/config.ts';
import { StartupError } from '../../db/src/startup-errors.ts';

/** Listens on the configured address; a taken or forbidden port becomes a one-line startup error. */
export async function listen(app: FastifyInstance, config: Pick<Config, 'http'>): Promise<string> {
  try {
    return await app.listen({ port: config.http.port, host: config.http.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      await app.close();
      throw new StartupError(`Cannot listen on ${config.http.host}:${config.http.port} (${code}); stop what uses it or set PORT / HOST.`);
    }
    throw error;
  }
}
