import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestAccount, request, startTestServer, type TestServer } from './harness.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('health', () => {
  it('GET /healthz is 200 without a key', async () => {
    const res = await request(server, 'GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('GET /readyz is 200 when the database answers', async () => {
    const res = await request(server, 'GET', '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ready' });
  });
});

describe('GET /metrics', () => {
  it('exposes request counts and latencies by route pattern, never by raw id', async () => {
    const account = await createTestAccount(server);
    const created = await request(server, 'POST', '/v1/customers', {
      key: account.testKey,
      body: { customer: {} },
    });
    const id = created.body.customer.customer_id;
    await request(server, 'GET', '/v1/customers', { key: account.testKey });
    await request(server, 'GET', `/v1/customers/${id}`, { key: account.testKey });
    await request(server, 'GET', '/v1/customers/cus_01m84sgeyjf21ada62ac1e65xf', {
      key: account.testKey,
    });
    await request(server, 'GET', '/v1/does-not-exist/abc123');

    const res = await request(server, 'GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = res.text;
    expect(text).toContain('# TYPE flint_http_requests_total counter');
    expect(text).toContain('# TYPE flint_http_request_duration_seconds histogram');
    expect(text).toMatch(
      /^flint_http_requests_total\{method="GET",route="\/v1\/customers",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^flint_http_requests_total\{method="POST",route="\/v1\/customers",status_code="200"\} [1-9]/m,
    );
    expect(text).toMatch(
      /^flint_http_request_duration_seconds_bucket\{[^}]*route="\/v1\/customers"[^}]*\} \d+/m,
    );
    expect(text).toMatch(
      /^flint_http_requests_total\{method="GET",route="\/v1\/customers\/:customer_id",status_code="404"\} [1-9]/m,
    );
    expect(text).not.toContain(id);
    expect(text).not.toContain('cus_01m84sgeyjf21ada62ac1e65xf');
    expect(text).not.toContain('abc123');
    expect(text).not.toContain(account.testKey);
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing the foundation routes', async () => {
    const res = await request(server, 'GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\.1/);
    expect(doc.info.title).toEqual(expect.any(String));
    const paths = Object.keys(doc.paths);
    for (const path of [
      '/v1/customers',
      '/v1/customers/{customer_id}',
      '/v1/api_keys',
      '/v1/api_keys/{api_key_id}',
      '/v1/accounts',
      '/v1/account',
    ]) {
      expect(paths).toContain(path);
    }
    expect(Object.keys(doc.paths['/v1/customers']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/v1/customers/{customer_id}']).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ]);
    // Operational routes are not part of the API reference.
    expect(paths).not.toContain('/metrics');
    expect(paths).not.toContain('/healthz');
  });
});

describe('GET /docs', () => {
  it('serves an offline reference page whose script is served locally', async () => {
    const res = await fetch(`${server.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();

    const sources = [...html.matchAll(/<script[^>]*\ssrc=["']([^"']+)["']/gi)].map((m) => m[1]);
    const links = [...html.matchAll(/<link[^>]*\shref=["']([^"']+)["']/gi)].map((m) => m[1]);
    const imports = [...html.matchAll(/@import\s+(?:url\()?["']?([^"')\s]+)/gi)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThan(0);
    for (const url of [...sources, ...links, ...imports]) {
      expect(url).not.toMatch(/^(https?:)?\/\//i);
    }
    expect(html).not.toMatch(/fonts\.(googleapis|gstatic)\.com/i);
    expect(html).not.toMatch(/cdn\.jsdelivr\.net|unpkg\.com/i);

    for (const src of sources) {
      const script = await fetch(new URL(src as string, res.url));
      expect(script.status).toBe(200);
      expect(script.headers.get('content-type')).toMatch(/javascript/);
      expect((await script.text()).length).toBeGreaterThan(1000);
    }
  });

  it('points the reference at the local OpenAPI document', async () => {
    const html = await (await fetch(`${server.url}/docs/`)).text();
    expect(html).toContain('/openapi.json');
  });
});
