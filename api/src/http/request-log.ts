import { LogController, type FastifyBaseLogger, type FastifyReply, type FastifyRequest } from 'fastify';

/** Reads that succeed anywhere but the console: the storefront's browsing, files, probes. */
function isQuietRead(request: FastifyRequest, reply: FastifyReply): boolean {
  return (request.method === 'GET' || request.method === 'HEAD') && reply.statusCode < 400 && !request.url.startsWith('/api/admin');
}

/**
 * One log line per request, written when its answer has gone out: who asked what (method, URL, host,
 * client address), the status and the time taken, under the request's id. Fastify's default writes two,
 * "incoming request" and "request completed", each a serialised, redacted object and a write to the log.
 *
 * At `info`: every write, every refusal or failure (status >= 400) and every console request (staff
 * reading shops, orders and people: the audit trail). Reads that succeed elsewhere (the storefront's
 * catalog and carts, the console's and widget's files, health probes, metrics) are at `debug`: they are
 * most of the traffic, say nothing an operator acts on, and the route-duration metrics already count
 * them; a log line each cost the store catalog list 40 % of its throughput (docs/performance.md).
 *
 * The line goes through a child of the app's logger without redaction: it holds only what Fastify's
 * request serializer keeps (method, URL, host, client address; never headers or body) and the status,
 * none of which a redacted path names, and redaction was two thirds of a line's cost. A line with an
 * error keeps the redacting logger (an error may carry a failing row). Fastify's other lines (errors,
 * unknown routes) are its own, unchanged.
 */
export class OneLinePerRequest extends LogController {
  private readonly unredacted = new WeakMap<FastifyBaseLogger, FastifyBaseLogger>();

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) {
      reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
      return;
    }
    const line = { [this.requestIdLogLabel]: request.id, req: request, res: reply, responseTime: reply.elapsedTime };
    const logger = this.lineLogger(request.server.log);
    if (isQuietRead(request, reply)) logger.debug(line, 'request completed');
    else logger.info(line, 'request completed');
  }

  private lineLogger(appLogger: FastifyBaseLogger): FastifyBaseLogger {
    let logger = this.unredacted.get(appLogger);
    if (logger === undefined) {
      logger = appLogger.child({}, { redact: [] });
      this.unredacted.set(appLogger, logger);
    }
    return logger;
  }
}
