/**
 * The one error shape of the domain. Services throw these; the API maps `type` to an HTTP status in one
 * table (api/src/plugins/app/error-handler.ts); workers treat `business_rule`, `conflict`, `not_found`
 * and `validation` as permanent failures that must not be retried.
 */
export type DomainErrorType = 'validation' | 'unauthorized' | 'forbidden' | 'not_found' | 'conflict' | 'business_rule' | 'rate_limited';

export class DomainError extends Error {
  override name = 'DomainError';
  constructor(
    readonly type: DomainErrorType,
    /** A stable, machine-readable code such as `insufficient_stock`. */
    readonly code: string,
    message: string,
    /** Field name -> message, for errors about specific inputs. */
    readonly fields?: Record<string, string>,
  ) {
    super(message);
  }

  toJSON() {
    return { type: this.type, code: this.code, message: this.message, ...(this.fields ? { fields: this.fields } : {}) };
  }
}

export class ValidationError extends DomainError {
  constructor(fields: Record<string, string>, code = 'invalid_input') {
    const [first] = Object.entries(fields);
    super('validation', code, first ? `${first[0]}: ${first[1]}` : 'Invalid input.', fields);
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super('not_found', `${resource}_not_found`, id === undefined ? `No such ${resource}.` : `No ${resource} with id ${id}.`);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(code = 'unauthorized', message = 'Authentication is required.') {
    super('unauthorized', code, message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(code = 'forbidden', message = 'Your role does not allow this.') {
    super('forbidden', code, message);
  }
}

export class ConflictError extends DomainError {
  constructor(code: string, message: string, fields?: Record<string, string>) {
    super('conflict', code, message, fields);
  }
}

export class BusinessRuleError extends DomainError {
  constructor(code: string, message: string, fields?: Record<string, string>) {
    super('business_rule', code, message, fields);
  }
}

/** Too much of something runs at once (429): try again after `retryAfterSeconds` (sent as Retry-After). */
export class TooBusyError extends DomainError {
  constructor(
    code: string,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('rate_limited', code, message);
  }
}

/** Asserts an invariant that only a bug can break; such a failure is a 500, never a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`Invariant violated: ${message}`);
}
