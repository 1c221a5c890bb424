import closeWithGrace from 'close-with-grace';
import { loadConfig } from '../../db/src/config.ts';
import { exitOnStartupFailure } from '../../db/src/startup-errors.ts';
import { buildApp } from './app.ts';
import { listen } from './listen.ts';

/**
 * The API process. On SIGTERM or SIGINT it stops accepting connections, lets in-flight requests finish
 * and closes PostgreSQL and Redis (app.close runs the onClose hooks); after 10 s it gives up and exits 1.
 */
async function main() {
  const config = loadConfig();
  const app = await buildApp(config);
  closeWithGrace({ delay: 10_000, logger: app.log }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'closing after an error');
    else app.log.info({ signal }, 'closing: finishing in-flight requests');
    await app.close();
  });
  await listen(app, config);
}

main().catch(exitOnStartupFailure);
