import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/app.ts';

interface Operation {
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
}

/** Statuses that carry no body, so that a description is their whole schema. */
const BODILESS_STATUSES = new Set(['204', '301', '302', '303', '304', '307', '308']);

let testApp: TestApp;
let document: { openapi: string; info: { title: string }; paths: Record<string, Record<string, Operation>> };

beforeAll(async () => {
  testApp = await buildTestApp();
  const response = await testApp.app.inject({ method: 'GET', url: '/docs/json' });
  expect(response.statusCode).toBe(200);
  document = response.json();
});
afterAll(() => testApp?.close());

describe('/docs/json', () => {
  it('is a valid OpenAPI 3 document', async () => {
    expect(document.openapi).toMatch(/^3\./);
    // The validator dereferences in place; give it a copy.
    const validated = await SwaggerParser.validate(structuredClone(document) as never);
    expect(validated.info.title).toBe('Minishop API');
  });

  it('documents the operations endpoints and the media route', () => {
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/metrics', '/media/placeholder/{name}.svg']));
  });

  it('gives every route a response schema', () => {
    const undocumented: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        const responses = Object.entries(operation.responses ?? {});
        const documented = responses.some(([status, response]) => BODILESS_STATUSES.has(status) || Object.values(response.content ?? {}).some((media) => media.schema));
        if (!documented) undocumented.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undocumented).toEqual([]);
  });

  it('is served as a page at /docs', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/docs/' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });
});

describe('the paths of the OpenAPI document', () => {
  it('lists every path without a trailing slash, as clients call them', () => {
    expect(Object.keys(document.paths).filter((path) => path.length > 1 && path.endsWith('/'))).toEqual([]);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/api/store/sessions', '/api/admin/orders', '/api/admin/shops']));
  });

  it('answers at the documented path without the slash', async () => {
    const response = await testApp.app.inject({ method: 'GET', url: '/api/admin/shops' });
    expect(response.statusCode).toBe(401);
  });
});
