import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Keyed, PaymentMethod, QueryOf } from './types.js';

// Saved payment methods: a card saved through the processor for a customer (no card data
// reaches Flint), its default, charged later with `orders.pay(id, { paymentMethodId,
// offSession: true })`. Each path is written out, so that sdk/REFERENCE.md names the call.

export type { PaymentMethod };
export type PaymentMethodAttachParams = Keyed<
  BodyOf<'POST /v1/customers/{customer_id}/payment_methods', 'payment_method'>
>;

const id = (value: string) => encodeURIComponent(value);
type One = { paymentMethod: PaymentMethod };
const methodOf = (r: One) => r.paymentMethod;

export class PaymentMethods {
  constructor(private readonly api: Api) {}
  /** Saves a card token as the customer's (its first method becomes its default). */
  attach(
    customerId: string,
    params: PaymentMethodAttachParams,
    options?: RequestOptions,
  ): Promise<PaymentMethod> {
    return this.api.one(
      'POST',
      `/v1/customers/${id(customerId)}/payment_methods`,
      'payment_method',
      params,
      options,
    );
  }
  /** A customer's saved methods, newest first (`status` narrows). */
  list(
    customerId: string,
    params: ListParams & Partial<QueryOf<'GET /v1/customers/{customer_id}/payment_methods'>> = {},
  ): PageList<PaymentMethod> {
    return this.api.list(
      `/v1/customers/${id(customerId)}/payment_methods`,
      'payment_methods',
      params,
    );
  }
  get(paymentMethodId: string): Promise<PaymentMethod> {
    return this.api.one('GET', `/v1/payment_methods/${id(paymentMethodId)}`, 'payment_method');
  }
  /** The same as `get`. */
  retrieve(paymentMethodId: string): Promise<PaymentMethod> {
    return this.get(paymentMethodId);
  }
  /** Its metadata. */
  update(
    paymentMethodId: string,
    params: Keyed<BodyOf<'PATCH /v1/payment_methods/{payment_method_id}', 'payment_method'>>,
    options?: RequestOptions,
  ): Promise<PaymentMethod> {
    return this.api.one(
      'PATCH',
      `/v1/payment_methods/${id(paymentMethodId)}`,
      'payment_method',
      params,
      options,
    );
  }
  /** Never charged again; no longer its customer's default. */
  detach(paymentMethodId: string, options?: RequestOptions): Promise<PaymentMethod> {
    return this.api
      .raw<One>('POST', `/v1/payment_methods/${id(paymentMethodId)}/detach`, undefined, options)
      .then(methodOf);
  }
}
