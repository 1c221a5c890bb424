import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import fastJsonStringify from 'fast-json-stringify';

const sharedOptions: Options = { allErrors: true, removeAdditional: true, useDefaults: true, strict: false };

function withFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}

/**
 * A route's validator, compiled by Ajv the first time a request needs it. Compiled when the routes were declared,
 * the API's schemas stayed in the heap for good (887 response serializers alone, with their generated source and
 * code: about a quarter of the ledger API's live heap), and every full collection marked them again.
 * Most processes call a handful of routes, so each schema is compiled when its route is first called instead.
 * Fastify reads `errors` off the function after a failed validation and passes the parent object when the function
 * carries `schemaEnv` (so that Ajv can replace a root value with its default): both are forwarded.
 */
function lazyValidator(compile: () => ValidateFunction): ValidateFunction {
  let compiled: ValidateFunction | undefined;
  const validate = ((data: unknown, context?: never) => {
    compiled ??= compile();
    return compiled(data, context);
  }) as ValidateFunction;
  Object.defineProperties(validate, {
    errors: { get: () => compiled?.errors ?? null },
    schemaEnv: { value: true },
  });
  return validate;
}

/**
 * Query strings, path parameters and headers arrive as text, so their numbers and booleans are coerced;
 * JSON bodies are typed already, so nothing is coerced there: `{"quantity": null}` is an error, not 0.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const bodyValidator = withFormats(new Ajv({ ...sharedOptions, coerceTypes: false }));
  const textValidator = withFormats(new Ajv({ ...sharedOptions, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => lazyValidator(() => (httpPart === 'body' ? bodyValidator : textValidator).compile(schema as object));
}

/** A response schema's serializer (fast-json-stringify, as Fastify's own), built when the route first answers with that status. */
export function createSerializerCompiler(): (route: { schema: unknown }) => (data: unknown) => string {
  return ({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined;
    return (data) => {
      serialize ??= fastJsonStringify(schema as Parameters<typeof fastJsonStringify>[0]) as (data: unknown) => string;
      return serialize(data);
    };
  };
}
