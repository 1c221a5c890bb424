import SwaggerParser from '@apidevtools/swagger-parser';
import Fastify from 'fastify';
import { Type } from '@fastify/type-provider-typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerializerCompiler, createValidatorCompiler } from '../../src/plugins/external/schema-compilers.ts';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

/** A schema no compiler accepts: compiling it throws. */
const BROKEN_SCHEMA = { type: 'not-a-type' } as never;
/** What fast-json-stringify says of data that does not fit a schema it compiled. */
const DATA_ERROR = /is required!$|cannot be converted/;

describe('the schema compilers', () => {
  it('compile a schema when its route first needs it, not when the route is declared', () => {
    const validate = createValidatorCompiler()({ schema: BROKEN_SCHEMA, httpPart: 'body', method: 'POST', url: '/' });
    const serialize = createSerializerCompiler()({ schema: BROKEN_SCHEMA });
    expect(() => validate({})).toThrow(/schema is invalid/);
    expect(() => serialize({})).toThrow(/schema is invalid/);
  });

  it('validate, default and coerce through Fastify as eager compilers did, and name the field that failed', async () => {
    const app = Fastify();
    app.setValidatorCompiler(createValidatorCompiler());
    app.setSerializerCompiler(createSerializerCompiler());
    app.post(
      '/items',
      {
        schema: {
          querystring: Type.Object({ page: Type.Integer({ minimum: 1, default: 1 }) }),
          body: Type.Object({ quantity: Type.Integer({ minimum: 1 }), note: Type.String({ default: 'none' }) }),
          response: { 200: Type.Object({ quantity: Type.Integer(), note: Type.String(), page: Type.Integer() }) },
        },
      },
      async (request) => ({ ...(request.body as object), ...(request.query as object), secret: 'not in the schema' }),
    );
    try {
      const answered = await app.inject({ method: 'POST', url: '/items?page=3', payload: { quantity: 2 } });
      expect(answered.statusCode).toBe(200);
      // The query's text coerced to a number, the body's default applied, what the schema lacks left out.
      expect(answered.json()).toEqual({ quantity: 2, note: 'none', page: 3 });

      const defaulted = await app.inject({ method: 'POST', url: '/items', payload: { quantity: 1 } });
      expect(defaulted.json()).toEqual({ quantity: 1, note: 'none', page: 1 });

      const refused = await app.inject({ method: 'POST', url: '/items', payload: { quantity: null } });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().message).toMatch(/quantity/);
      // The errors are the latest call's: a valid request after a refused one passes.
      expect((await app.inject({ method: 'POST', url: '/items', payload: { quantity: 5 } })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});

interface Operation {
  parameters?: { in: string; name: string; schema?: object }[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

describe("every route's schemas", () => {
  let testApp: TestApp;
  let paths: Record<string, Record<string, Operation>>;
  beforeAll(async () => {
    testApp = await buildTestApp();
    // The document shares repeated schemas as references; the routes themselves hold them inline.
    const document = (await testApp.app.inject({ method: 'GET', url: '/docs/json' })).json();
    paths = ((await SwaggerParser.dereference(document)) as unknown as { paths: typeof paths }).paths;
  });
  afterAll(() => testApp?.close());

  // Compiling at the first call means a broken schema would otherwise show only when its route is called.
  it('compile, as the API compiles them, before any request reaches them', () => {
    const validators = createValidatorCompiler();
    const serializers = createSerializerCompiler();
    const failures: string[] = [];
    let compiled = 0;
    const attempt = (where: string, run: () => void) => {
      try {
        run();
        compiled += 1;
      } catch (error) {
        failures.push(`${where}: ${(error as Error).message}`);
      }
    };
    for (const [path, operations] of Object.entries(paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        for (const parameter of operation.parameters ?? []) {
          if (!parameter.schema) continue;
          const validate = validators({ schema: parameter.schema, httpPart: parameter.in === 'path' ? 'params' : parameter.in, method, url: path });
          attempt(`${route} ${parameter.in} ${parameter.name}`, () => validate(undefined));
        }
        for (const media of Object.values(operation.requestBody?.content ?? {})) {
          if (!media.schema) continue;
          const validate = validators({ schema: media.schema, httpPart: 'body', method, url: path });
          attempt(`${route} body`, () => validate(undefined));
        }
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          for (const media of Object.values(response.content ?? {})) {
            if (!media.schema) continue;
            const serialize = serializers({ schema: media.schema });
            // Compiling is what is tried: null may not fit the schema, and fast-json-stringify's complaints about
            // the data (a required property, a value it cannot convert) are not compile errors.
            attempt(`${route} ${status}`, () => {
              try {
                serialize(null);
              } catch (error) {
                if (!DATA_ERROR.test((error as Error).message)) throw error;
              }
            });
          }
        }
      }
    }
    expect(failures).toEqual([]);
    expect(compiled).toBeGreaterThan(500);
  });
});
