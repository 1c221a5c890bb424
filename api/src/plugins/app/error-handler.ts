import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DomainError, TooBusyError, type DomainErrorType } from '../../../../db/src/errors.ts';

/** The one table from domain error type to HTTP status. */
export const STATUS_BY_ERROR_TYPE: Record<DomainErrorType, number> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  business_rule: 422,
  rate_limited: 429,
};

const TYPE_BY_STATUS: Record<number, DomainErrorType> = Object.fromEntries(
  Object.entries(STATUS_BY_ERROR_TYPE).map(([type, status]) => [status, type as DomainErrorType]),
);

export interface ErrorBody {
  type: DomainErrorType | 'internal';
  code: string;
  message: string;
  /** Field -> message: the shape react-admin shows beside its inputs. */
  errors?: Record<string, string>;
}

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/variants/0/sku` -> `variants.0.sku`; a missing or unknown property names itself. */
function fieldOf(error: AjvError, context: string | undefined): string {
  const path = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const leaf = (error.params.missingProperty ?? error.params.additionalProperty) as string | undefined;
  const field = [path, leaf].filter(Boolean).join('.');
  return field || context || 'body';
}

function validationBody(error: FastifyError): ErrorBody {
  const errors: Record<string, string> = {};
  for (const issue of (error.validation ?? []) as AjvError[]) {
    const field = fieldOf(issue, error.validationContext);
    errors[field] ??= issue.message ?? 'is invalid';
  }
  const [first] = Object.entries(errors);
  return { type: 'validation', code: 'invalid_input', message: first ? `${first[0]}: ${first[1]}` : error.message, errors };
}

function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** PostgreSQL constraint errors that reach here are answered by the field they name, never as a 500. */
function databaseConstraintBody(error: { code?: string; detail?: string; constraint?: string }): { status: number; body: ErrorBody } | null {
  const columns = /Key \(([^)]+)\)/.exec(error.detail ?? '')?.[1]?.split(', ') ?? [];
  const field = camelCase(columns.find((column) => column !== 'merchant_id') ?? columns[0] ?? error.constraint ?? 'body');
  switch (error.code) {
    case '23505':
      return { status: 409, body: { type: 'conflict', code: 'already_exists', message: `${field}: is already taken.`, errors: { [field]: 'is already taken' } } };
    case '23503':
      return { status: 400, body: { type: 'validation', code: 'unknown_reference', message: `${field}: does not exist.`, errors: { [field]: 'does not exist' } } };
    default:
      return null;
  }
}

export default fp(
  async function errorHandler(app: FastifyInstance) {
    app.setErrorHandler((error: FastifyError & { detail?: string; constraint?: string }, request, reply) => {
      if (error instanceof DomainError) {
        const body: ErrorBody = { type: error.type, code: error.code, message: error.message, ...(error.fields ? { errors: error.fields } : {}) };
        if (error instanceof TooBusyError) reply.header('Retry-After', String(error.retryAfterSeconds));
        return reply.status(STATUS_BY_ERROR_TYPE[error.type]).send(body);
      }
      if (error.validation) return reply.status(400).send(validationBody(error));
      const constraint = databaseConstraintBody(error);
      if (constraint) return reply.status(constraint.status).send(constraint.body);
      const status = error.statusCode ?? 500;
      if (status === 429) {
        return reply.status(429).send({ type: 'rate_limited', code: 'rate_limited', message: error.message } satisfies ErrorBody);
      }
      if (status >= 400 && status < 500) {
        const code = (error.code ?? 'bad_request').replace(/^FST_ERR_/, '').toLowerCase();
        return reply.status(status).send({ type: TYPE_BY_STATUS[status] ?? 'validation', code, message: error.message } satisfies ErrorBody);
      }
      request.log.error({ err: error }, 'request failed');
      return reply.status(500).send({ type: 'internal', code: 'internal_error', message: 'Something went wrong on our side; it has been logged.' } satisfies ErrorBody);
    });

    app.setNotFoundHandler((request, reply) => {
      reply.status(404).send({ type: 'not_found', code: 'route_not_found', message: `No route ${request.method} ${request.url.split('?')[0]}.` } satisfies ErrorBody);
    });
  },
  { name: 'error-handler' },
);
