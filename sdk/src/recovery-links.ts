import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, QueryOf, ResponseOf } from './types.js';

// Recovery links: a hosted page for an order's balance (read when the buyer pays), made on
// the order; active → completed | expired | deactivated. Each path is written out, so that
// sdk/REFERENCE.md names the call it makes.

export type RecoveryLink = ResponseOf<'GET /v1/recovery_links/{recovery_link_id}', 'recovery_link'>;
export type RecoverySettings = ResponseOf<'GET /v1/recovery_settings', 'recovery_settings'>;

const id = (value: string) => encodeURIComponent(value);
type One = { recoveryLink: RecoveryLink };
const linkOf = (r: One) => r.recoveryLink;

export class RecoveryLinks {
  constructor(private readonly api: Api) {}
  /** A link for the order's balance; 409 when the order has none (paid, or nothing owed). */
  create(
    orderId: string,
    params: Keyed<BodyOf<'POST /v1/orders/{order_id}/recovery_links', 'recovery_link'>> = {},
    options?: RequestOptions,
  ): Promise<RecoveryLink> {
    return this.api.one(
      'POST',
      `/v1/orders/${id(orderId)}/recovery_links`,
      'recovery_link',
      params,
      options,
    );
  }
  get(recoveryLinkId: string): Promise<RecoveryLink> {
    return this.api.one('GET', `/v1/recovery_links/${id(recoveryLinkId)}`, 'recovery_link');
  }
  /** The same as `get`. */
  retrieve(recoveryLinkId: string): Promise<RecoveryLink> {
    return this.get(recoveryLinkId);
  }
  /** Its metadata (merged; "" removes a key). */
  update(
    recoveryLinkId: string,
    params: Keyed<BodyOf<'PATCH /v1/recovery_links/{recovery_link_id}', 'recovery_link'>>,
    options?: RequestOptions,
  ): Promise<RecoveryLink> {
    return this.api.one(
      'PATCH',
      `/v1/recovery_links/${id(recoveryLinkId)}`,
      'recovery_link',
      params,
      options,
    );
  }
  list(
    params: ListParams & Partial<QueryOf<'GET /v1/recovery_links'>> = {},
  ): PageList<RecoveryLink> {
    return this.api.list('/v1/recovery_links', 'recovery_links', params);
  }
  /** One order's links, newest first. */
  listForOrder(
    orderId: string,
    params: ListParams & Partial<QueryOf<'GET /v1/orders/{order_id}/recovery_links'>> = {},
  ): PageList<RecoveryLink> {
    return this.api.list(`/v1/orders/${id(orderId)}/recovery_links`, 'recovery_links', params);
  }
  /** Its page takes no payment any more. */
  deactivate(recoveryLinkId: string, options?: RequestOptions): Promise<RecoveryLink> {
    return this.api
      .raw<One>('POST', `/v1/recovery_links/${id(recoveryLinkId)}/deactivate`, undefined, options)
      .then(linkOf);
  }
  /** Whether an expired checkout or an abandoned 3-D Secure payment gets a link by mail. */
  settings(): Promise<RecoverySettings> {
    return this.api.one('GET', '/v1/recovery_settings', 'recovery_settings');
  }
  updateSettings(
    params: Keyed<BodyOf<'POST /v1/recovery_settings', 'recovery_settings'>>,
    options?: RequestOptions,
  ): Promise<RecoverySettings> {
    return this.api.one('POST', '/v1/recovery_settings', 'recovery_settings', params, options);
  }
}
