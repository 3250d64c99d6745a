import { camelKey } from './casing.js';
import { type ListParams, type Page, PageList } from './pagination.js';
import type { RequestOptions, Transport } from './transport.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

const segment = (id: string) => encodeURIComponent(id);

/**
 * A call's body and options, with an `idempotencyKey` given among the params (the seed's
 * `refunds.create({ …, idempotencyKey })`) moved to the options; the options' key wins.
 */
function keyed(
  params: unknown,
  options: RequestOptions | undefined,
): { body: unknown; options: RequestOptions | undefined } {
  if (params === null || typeof params !== 'object' || !('idempotencyKey' in params)) {
    return { body: params, options };
  }
  const { idempotencyKey, ...body } = params as { idempotencyKey?: unknown };
  if (idempotencyKey !== undefined && typeof idempotencyKey !== 'string') {
    throw new TypeError('idempotencyKey must be a string');
  }
  return {
    body,
    options: { ...options, idempotencyKey: options?.idempotencyKey ?? idempotencyKey },
  };
}

/** What every resource uses: one call under a root key, or a paged list. */
export class Api {
  constructor(private readonly transport: Transport) {}

  /** A call whose body and answer are wrapped in `root` (e.g. `order`). */
  async one<T>(
    method: Method,
    path: string,
    root: string,
    params?: unknown,
    options?: RequestOptions,
  ): Promise<T> {
    const call = keyed(params, options);
    const answer = await this.transport.request<Record<string, T>>({
      method,
      path,
      body: call.body === undefined ? undefined : { [root]: call.body },
      options: call.options,
    });
    return answer[camelKey(root)] as T;
  }

  /** A call with its body as is (but for an `idempotencyKey`), answering the whole response. */
  async raw<T>(
    method: Method,
    path: string,
    body?: unknown,
    options?: RequestOptions,
    query?: object,
  ): Promise<T> {
    const call = keyed(body, options);
    return this.transport.request<T>({ ...call, method, path, query });
  }

  /** A list under `plural` (e.g. `orders`), page by page. */
  list<T>(path: string, plural: string, params: ListParams & object = {}): PageList<T> {
    const key = camelKey(plural);
    return new PageList<T>(async (startingAfter) => {
      const answer = await this.transport.request<Record<string, unknown>>({
        method: 'GET',
        path,
        query: { ...params, ...(startingAfter ? { startingAfter } : {}) },
      });
      return {
        data: (answer[key] ?? []) as T[],
        hasMore: Boolean(answer.hasMore),
        nextCursor: (answer.nextCursor as string | null | undefined) ?? null,
      } satisfies Page<T>;
    }, params.startingAfter);
  }

  path(template: string, ...ids: string[]): string {
    let i = 0;
    return template.replace(/\{[a-z_]+\}/g, () => segment(ids[i++] ?? ''));
  }
}
