import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, QueryOf, Return } from './types.js';

// Returns (RMA): what a buyer sends back from an order, refunded (and exchanged) through
// the order's own refund engine (requested → received → completed | canceled). Each path
// is written out, so that sdk/REFERENCE.md (scripts/sdk-reference.mjs) names the call.

export type { Return };
export type ReturnCreateParams = Keyed<BodyOf<'POST /v1/orders/{order_id}/returns', 'return'>>;

const id = (value: string) => encodeURIComponent(value);
type One = { return: Return };
const returnOf = (r: One) => r.return;

export class Returns {
  constructor(private readonly api: Api) {}
  /** Opens a return of an order's lines (and an exchange for `exchangeLineItems`). */
  create(orderId: string, params: ReturnCreateParams, options?: RequestOptions): Promise<Return> {
    return this.api.one('POST', `/v1/orders/${id(orderId)}/returns`, 'return', params, options);
  }
  get(returnId: string): Promise<Return> {
    return this.api.one('GET', `/v1/returns/${id(returnId)}`, 'return');
  }
  /** The same as `get`. */
  retrieve(returnId: string): Promise<Return> {
    return this.get(returnId);
  }
  /** The reason and metadata. */
  update(
    returnId: string,
    params: Keyed<BodyOf<'PATCH /v1/returns/{return_id}', 'return'>>,
    options?: RequestOptions,
  ): Promise<Return> {
    return this.api.one('PATCH', `/v1/returns/${id(returnId)}`, 'return', params, options);
  }
  list(params: ListParams & Partial<QueryOf<'GET /v1/returns'>> = {}): PageList<Return> {
    return this.api.list('/v1/returns', 'returns', params);
  }
  /** One order's returns, newest first. */
  listForOrder(orderId: string, params: ListParams = {}): PageList<Return> {
    return this.api.list(`/v1/orders/${id(orderId)}/returns`, 'returns', params);
  }
  /** The goods arrived: restocked when asked; refunded now with `refundOn: "received"`. */
  receive(returnId: string, options?: RequestOptions): Promise<Return> {
    return this.api
      .raw<One>('POST', `/v1/returns/${id(returnId)}/receive`, undefined, options)
      .then(returnOf);
  }
  /** Done: refunded (and exchanged) now with `refundOn: "completed"`, the default. */
  complete(returnId: string, options?: RequestOptions): Promise<Return> {
    return this.api
      .raw<One>('POST', `/v1/returns/${id(returnId)}/complete`, undefined, options)
      .then(returnOf);
  }
  /** Cancels a return not yet refunded. */
  cancel(returnId: string, options?: RequestOptions): Promise<Return> {
    return this.api
      .raw<One>('POST', `/v1/returns/${id(returnId)}/cancel`, undefined, options)
      .then(returnOf);
  }
}
