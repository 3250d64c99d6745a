import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sdkReference } from '../scripts/sdk-reference.mjs';
import { sdkTypes } from '../scripts/sdk-types.mjs';
import { buildApp } from '../src/http/app.js';
import { systemClock } from '../src/ports/clock.js';

// The SDK's wire types are generated from the server's OpenAPI document: when a route
// changes, this fails until `npm run build && npm run sdk:types` regenerates them.

describe('the SDK types and reference', () => {
  it('match the OpenAPI document the server serves and the SDK source', async () => {
    const app = await buildApp({ deps: { db: {} as never, clock: systemClock }, adminToken: 'x' });
    await app.ready();
    const doc = app.swagger();
    const generated = sdkTypes(doc);
    const reference = sdkReference(doc);
    await app.close();
    const committed = readFileSync(new URL('../sdk/src/generated/api.ts', import.meta.url), 'utf8');
    expect(
      generated === committed,
      'sdk/src/generated/api.ts is stale: run `npm run build && npm run sdk:types`',
    ).toBe(true);
    expect(committed).toContain('"POST /v1/orders/{order_id}/pay"');
    const committedReference = readFileSync(
      new URL('../sdk/REFERENCE.md', import.meta.url),
      'utf8',
    );
    expect(
      reference === committedReference,
      'sdk/REFERENCE.md is stale: run `npm run build && npm run sdk:types`',
    ).toBe(true);
    // Every resource method is in the reference with the HTTP call it makes.
    expect(committedReference).toContain('| `pay(id: string');
    expect(committedReference).toContain('`POST /v1/orders/{order_id}/pay`');
  });
});
