import { expect } from 'vitest';
import type { Clock } from '../src/ports/clock.js';
import { request, type TestResponse, type TestServer } from './harness.js';

// Shared by the catalog tests (products, prices, tax rates, coupons).

export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
export const MAX_AMOUNT = 99_999_999_999;
/** Well-formed ids that no one owns. */
export const UNKNOWN = {
  prod: 'prod_01m84sgeyjf21ada62ac1e65xf',
  price: 'price_01m84sgeyjf21ada62ac1e65xf',
  txr: 'txr_01m84sgeyjf21ada62ac1e65xf',
  cpn: 'cpn_01m84sgeyjf21ada62ac1e65xf',
} as const;

/** The one error shape, with the status, type, code and (when given) every loc. */
export function expectError(
  res: TestResponse,
  status: number,
  type: string,
  code: string,
  locs?: readonly (readonly (string | number)[])[],
): void {
  expect(res.status, res.text).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error.type).toBe(type);
  expect(res.body.error.code).toBe(code);
  expect(res.body.error.request_id).toBe(res.headers.get('request-id'));
  if (locs) expect(res.body.error.errors.map((e: any) => e.loc)).toEqual(locs);
}

export function expectMissing(res: TestResponse, resource: string, loc?: (string | number)[]) {
  expectError(res, 404, 'not_found', 'resource_missing', loc ? [loc] : undefined);
  expect(res.body.error.message).toBe(`${resource} does not exist`);
}

/** POSTs `{[root]: fields}` and returns the created object (asserting a 200). */
export async function create(
  server: Pick<TestServer, 'url'>,
  key: string,
  plural: string,
  root: string,
  fields: Record<string, unknown>,
): Promise<any> {
  const res = await request(server, 'POST', `/v1/${plural}`, { key, body: { [root]: fields } });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body)).toEqual([root]);
  return res.body[root];
}

/** GETs a list and returns its body (asserting a 200). */
export async function list(
  server: Pick<TestServer, 'url'>,
  key: string,
  plural: string,
  query = '',
): Promise<any> {
  const res = await request(server, 'GET', `/v1/${plural}${query}`, { key });
  expect(res.status, res.text).toBe(200);
  expect(Object.keys(res.body).sort()).toEqual(['has_more', plural, 'next_cursor'].sort());
  return res.body;
}

/** Follows `starting_after` from the first page; returns the ids seen and the page sizes. */
export async function walk(
  server: Pick<TestServer, 'url'>,
  key: string,
  plural: string,
  idField: string,
  query: string,
): Promise<{ ids: string[]; sizes: number[] }> {
  const ids: string[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: any = await list(
      server,
      key,
      plural,
      `?${query}${cursor ? `&starting_after=${cursor}` : ''}`,
    );
    const pageIds = page[plural].map((o: any) => o[idField]);
    ids.push(...pageIds);
    sizes.push(pageIds.length);
    expect(page.next_cursor).toBe(page.has_more ? pageIds[pageIds.length - 1] : null);
    cursor = page.next_cursor;
  } while (cursor && sizes.length < 20);
  return { ids, sizes };
}

/** A clock the test moves by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  set(at: Date): void {
    this.current = new Date(at.getTime());
  }
}
