import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, ResponseOf } from './types.js';

// Test clocks (test mode only): a time of their own that the customers made on them live
// in. Advancing one runs its customers' scheduled work due up to the new time, in order,
// and answers once the clock is `ready`. Each path is written out, so that
// sdk/REFERENCE.md (scripts/sdk-reference.mjs) names the call.

export type TestClock = ResponseOf<
  'GET /v1/test_helpers/test_clocks/{test_clock_id}',
  'test_clock'
>;
export type TestClockCreateParams = Keyed<
  BodyOf<'POST /v1/test_helpers/test_clocks', 'test_clock'>
>;

const id = (value: string) => encodeURIComponent(value);

export class TestClocks {
  constructor(private readonly api: Api) {}
  /** A clock at `frozenTime` (RFC 3339; whole seconds). */
  create(params: TestClockCreateParams, options?: RequestOptions): Promise<TestClock> {
    return this.api.one('POST', '/v1/test_helpers/test_clocks', 'test_clock', params, options);
  }
  get(testClockId: string): Promise<TestClock> {
    return this.api.one('GET', `/v1/test_helpers/test_clocks/${id(testClockId)}`, 'test_clock');
  }
  /** The same as `get`. */
  retrieve(testClockId: string): Promise<TestClock> {
    return this.get(testClockId);
  }
  /** The name and metadata. */
  update(
    testClockId: string,
    params: Keyed<BodyOf<'PATCH /v1/test_helpers/test_clocks/{test_clock_id}', 'test_clock'>>,
    options?: RequestOptions,
  ): Promise<TestClock> {
    return this.api.one(
      'PATCH',
      `/v1/test_helpers/test_clocks/${id(testClockId)}`,
      'test_clock',
      params,
      options,
    );
  }
  list(params: ListParams = {}): PageList<TestClock> {
    return this.api.list('/v1/test_helpers/test_clocks', 'test_clocks', params);
  }
  /** Deletes the clock, its customers and their scheduled work. */
  del(testClockId: string): Promise<{ testClockId: string; object: 'test_clock'; deleted: true }> {
    return this.api.one('DELETE', `/v1/test_helpers/test_clocks/${id(testClockId)}`, 'test_clock');
  }
  /** Runs what falls due up to `frozenTime`, in order; answers the clock once `ready`. */
  advance(
    testClockId: string,
    params: Keyed<
      BodyOf<'POST /v1/test_helpers/test_clocks/{test_clock_id}/advance', 'test_clock'>
    >,
    options?: RequestOptions,
  ): Promise<TestClock> {
    return this.api.one(
      'POST',
      `/v1/test_helpers/test_clocks/${id(testClockId)}/advance`,
      'test_clock',
      params,
      options,
    );
  }
}
