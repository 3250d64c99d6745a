import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asDocumented, mergedUnions } from '../src/http/openapi.js';
import { NAMED_SCHEMAS } from '../src/http/openapi-names.js';
import { request, startTestServer, type TestServer } from './harness.js';

// The served OpenAPI document: valid by Redocly's recommended rules, a stable operationId
// on every operation, named schemas referenced by `$ref` (never inlined again), servers.

let server: TestServer;
let doc: any;
beforeAll(async () => {
  server = await startTestServer();
  const res = await request(server, 'GET', '/openapi.json');
  expect(res.status).toBe(200);
  doc = res.body;
});
afterAll(() => server.close());

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(): { method: string; path: string; operation: any }[] {
  return Object.entries<any>(doc.paths).flatMap(([path, item]) =>
    Object.entries<any>(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ method, path, operation })),
  );
}

/** Every object in a value, with where it is. */
function* objects(value: unknown, at = '#'): Generator<[string, Record<string, unknown>]> {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* objects(v, `${at}/${i}`);
  } else if (value !== null && typeof value === 'object') {
    yield [at, value as Record<string, unknown>];
    for (const [k, v] of Object.entries(value)) yield* objects(v, `${at}/${k}`);
  }
}

const sorted = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(sorted)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
        )
      : value;

describe('GET /openapi.json', () => {
  it('passes `redocly lint --extends=recommended` with no error, offline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flint-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(doc));
      const cli = fileURLToPath(
        new URL('../node_modules/@redocly/cli/bin/cli.js', import.meta.url),
      );
      // Run in an empty directory (no redocly.yaml to find), without telemetry or the
      // update check: the two things the CLI would otherwise fetch or send.
      const result = await promisify(execFile)(
        process.execPath,
        [cli, 'lint', '--extends=recommended', '--format=json', file],
        {
          cwd: dir,
          env: {
            ...process.env,
            REDOCLY_TELEMETRY: 'off',
            REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
            NO_COLOR: '1',
          },
          maxBuffer: 64 * 1024 * 1024,
        },
      ).then(
        ({ stdout }) => ({ code: 0, stdout }),
        (e: { code: number; stdout: string }) => ({ code: e.code, stdout: e.stdout }),
      );
      const report = JSON.parse(result.stdout);
      const errors = report.problems.filter((p: any) => p.severity === 'error');
      expect(errors).toEqual([]);
      expect(report.totals.errors).toBe(0);
      expect(result.code).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('gives every operation a unique camelCase operationId', () => {
    const all = operations();
    expect(all.length).toBeGreaterThan(70);
    const missing = all.filter((o) => typeof o.operation.operationId !== 'string');
    expect(missing.map((o) => `${o.method.toUpperCase()} ${o.path}`)).toEqual([]);
    const ids = all.map((o) => o.operation.operationId as string);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z]+$/);
    expect(new Set(ids).size).toBe(ids.length);
    const byRoute = Object.fromEntries(
      all.map((o) => [`${o.method.toUpperCase()} ${o.path}`, o.operation.operationId]),
    );
    expect(byRoute).toMatchObject({
      'POST /v1/orders': 'createOrder',
      'GET /v1/orders': 'listOrders',
      'POST /v1/orders/{order_id}/pay': 'payOrder',
      'POST /v1/refunds': 'createRefund',
    });
  });

  it('names the shared schemas in components and uses them by $ref, never inlined', () => {
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas).sort()).toEqual(Object.keys(NAMED_SCHEMAS).sort());
    const refs = new Set<string>();
    for (const [, object] of objects(doc)) {
      if (typeof object.$ref === 'string') refs.add(object.$ref);
    }
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(schemas[ref.slice('#/components/schemas/'.length)]).toBeDefined();
    }
    for (const name of Object.keys(schemas)) expect(refs).toContain(`#/components/schemas/${name}`);
    // Each named schema documents its TypeBox source, and no copy of one is left inline.
    const named = new Map(
      Object.entries(NAMED_SCHEMAS).map(([name, schema]) => [
        JSON.stringify(sorted(mergedUnions(asDocumented(JSON.parse(JSON.stringify(schema)))))),
        name,
      ]),
    );
    const inline = [...objects(doc.paths)].filter(([, o]) => named.has(JSON.stringify(sorted(o))));
    expect(inline.map(([at]) => at)).toEqual([]);
    const order =
      doc.paths['/v1/orders/{order_id}'].get.responses['200'].content['application/json'].schema;
    expect(order.properties.order).toEqual({ $ref: '#/components/schemas/Order' });
    const error = doc.paths['/v1/orders'].post.responses['4XX'].content['application/json'];
    expect(error.schema).toEqual({ $ref: '#/components/schemas/Error' });
    expect(schemas.Order.properties.net_amounts).toEqual({
      $ref: '#/components/schemas/NetAmounts',
    });
  });

  it('names its server: FLINT_PUBLIC_URL, else the same origin', async () => {
    expect(doc.servers).toEqual([{ url: '/', description: 'This Flint server' }]);
    const behindProxy = await startTestServer({
      deps: { ...server.deps, publicUrl: 'https://pay.example.com' },
    });
    try {
      const served = (await request(behindProxy, 'GET', '/openapi.json')).body;
      expect(served.servers).toEqual([
        { url: 'https://pay.example.com', description: 'This Flint server' },
      ]);
    } finally {
      await behindProxy.close();
    }
  });
});
