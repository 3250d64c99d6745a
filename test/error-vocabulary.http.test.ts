import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_ERROR_CODES } from '../src/http/error-codes.js';
import {
  ERROR_TYPES,
  FIELD_ERROR_TYPES,
  REQUEST_ERROR_CODES,
} from '../src/http/error-vocabulary.js';
import { expectError } from './catalog-fixtures.js';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';
import { inlined } from './openapi-operations.js';

/** One vocabulary for the error shape: in the code, the OpenAPI document and the README. */

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('the error vocabulary', () => {
  it('is the enum of the OpenAPI error schema of every route', async () => {
    const doc = inlined((await request(server, 'GET', '/openapi.json')).body);
    const responses = doc.paths['/v1/orders'].post.responses;
    const errorStatus = Object.keys(responses).find((s) => s.toLowerCase() === '4xx');
    expect(errorStatus).toBeDefined();
    const error =
      responses[errorStatus as string].content['application/json'].schema.properties.error;
    expect(error.properties.type.enum).toEqual(Object.keys(ERROR_TYPES));
    expect(error.properties.errors.items.properties.type.enum).toEqual(
      Object.keys(FIELD_ERROR_TYPES),
    );
    const codes = error.properties.code.anyOf.flatMap((s: any) => s.enum ?? []);
    expect(codes).toEqual(API_ERROR_CODES);
  });

  it('is documented in the README, every value of it', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const errors = readme.slice(readme.indexOf('### Errors'), readme.indexOf('## CLI'));
    for (const type of Object.keys(ERROR_TYPES)) expect(errors).toContain(`| \`${type}\``);
    for (const type of Object.keys(FIELD_ERROR_TYPES)) expect(errors).toContain(`| \`${type}\``);
    for (const code of Object.keys(REQUEST_ERROR_CODES)) expect(errors).toContain(`\`${code}\``);
  });

  it('names a business rule "invalid_request_error" and a schema refusal by its kind', async () => {
    const { testKey: key } = await createTestAccount(server);
    const rule = await request(server, 'POST', '/v1/orders', {
      key,
      body: {
        order: {
          line_items: [
            { name: 'a', quantity: 1, unit_price_money: { amount: 1, currency: 'EUR' } },
          ],
        },
      },
    });
    expectError(rule, 422, 'validation_error', 'currency_mismatch');
    expect(rule.body.error.errors.map((e: any) => e.type)).toEqual(['invalid_request_error']);
    const schema = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [{ name: 5, quantity: 0 }], bogus: 1 } },
    });
    expectError(schema, 400, 'invalid_request', 'parameter_unknown');
    expect(schema.body.error.errors).toEqual([
      { loc: ['order', 'bogus'], msg: expect.any(String), type: 'unknown_field' },
    ]);
    const kinds = await request(server, 'POST', '/v1/orders', {
      key,
      body: { order: { line_items: [{ name: 5, quantity: 0 }] } },
    });
    expectError(kinds, 422, 'validation_error', 'parameter_invalid');
    expect(
      Object.fromEntries(kinds.body.error.errors.map((e: any) => [e.loc.join('.'), e.type])),
    ).toMatchObject({
      'order.line_items.0.name': 'type_error',
      'order.line_items.0.quantity': 'value_error',
    });
    const missing = await request(server, 'POST', '/v1/orders', { key, body: {} });
    expect(missing.body.error.errors).toEqual([
      { loc: ['order'], msg: expect.any(String), type: 'missing' },
    ]);
  });
});
