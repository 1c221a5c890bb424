import { Ajv, type Options } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';

const sharedOptions: Options = { allErrors: true, removeAdditional: true, useDefaults: true, strict: false };

function withFormats(ajv: Ajv): Ajv {
  (addFormats as unknown as (ajv: Ajv) => Ajv)(ajv);
  return ajv;
}

/**
 * Query strings, path parameters and headers arrive as text, so their numbers and booleans are coerced;
 * JSON bodies are typed already, so nothing is coerced there: `{"quantity": null}` is an error, not 0.
 */
export function createValidatorCompiler(): FastifySchemaCompiler<FastifySchema> {
  const bodyValidator = withFormats(new Ajv({ ...sharedOptions, coerceTypes: false }));
  const textValidator = withFormats(new Ajv({ ...sharedOptions, coerceTypes: 'array' }));
  return ({ schema, httpPart }) => (httpPart === 'body' ? bodyValidator : textValidator).compile(schema as object);
}
