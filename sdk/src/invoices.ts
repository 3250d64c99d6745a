import type { Api } from './api.js';
import type { ListParams, PageList } from './pagination.js';
import type { RequestOptions } from './transport.js';
import type { BodyOf, Invoice, InvoiceSettings, Keyed, QueryOf, ResponseOf } from './types.js';

// Invoices: a formal request to pay an order's balance, with its own lifecycle
// (draft → awaiting_approval → open → paid | void | uncollectible). Each path is written
// out, so that sdk/REFERENCE.md (scripts/sdk-reference.mjs) names the call it makes.

export type { Invoice, InvoiceSettings };
export type InvoicePayParams = Keyed<BodyOf<'POST /v1/invoices/{invoice_id}/pay', 'payment'>>;
export type InvoicePayResult = {
  invoice: Invoice;
  /** The payment made; null when nothing was left to pay. */
  paymentIntent: ResponseOf<'POST /v1/invoices/{invoice_id}/pay', 'payment_intent'>;
};

const id = (value: string) => encodeURIComponent(value);
type One = { invoice: Invoice };
const invoiceOf = (r: One) => r.invoice;

export class Invoices {
  constructor(private readonly api: Api) {}
  /** A draft for an order's balance (`orderId`), or from `lineItems` (the order is made too). */
  create(
    params: Keyed<BodyOf<'POST /v1/invoices', 'invoice'>>,
    options?: RequestOptions,
  ): Promise<Invoice> {
    return this.api.one('POST', '/v1/invoices', 'invoice', params, options);
  }
  get(invoiceId: string): Promise<Invoice> {
    return this.api.one('GET', `/v1/invoices/${id(invoiceId)}`, 'invoice');
  }
  /** The same as `get`. */
  retrieve(invoiceId: string): Promise<Invoice> {
    return this.get(invoiceId);
  }
  /** A draft's terms, memo, footer and metadata. */
  update(
    invoiceId: string,
    params: Keyed<BodyOf<'PATCH /v1/invoices/{invoice_id}', 'invoice'>>,
    options?: RequestOptions,
  ): Promise<Invoice> {
    return this.api.one('PATCH', `/v1/invoices/${id(invoiceId)}`, 'invoice', params, options);
  }
  list(params: ListParams & Partial<QueryOf<'GET /v1/invoices'>> = {}): PageList<Invoice> {
    return this.api.list('/v1/invoices', 'invoices', params);
  }
  /** Number, due date, frozen order — or `awaiting_approval` when the invoice needs approval. */
  finalize(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/finalize`, undefined, options)
      .then(invoiceOf);
  }
  approve(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/approve`, undefined, options)
      .then(invoiceOf);
  }
  /** Back to draft, with the reason. */
  reject(
    invoiceId: string,
    params: Keyed<{ reason: string }>,
    options?: RequestOptions,
  ): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/reject`, params, options)
      .then(invoiceOf);
  }
  void(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/void`, undefined, options)
      .then(invoiceOf);
  }
  markUncollectible(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/mark_uncollectible`, undefined, options)
      .then(invoiceOf);
  }
  /**
   * Mails the invoice to its buyer (`customerDetails.email`, else its customer's email) with
   * its page and PDF links, records `invoice.sent` and schedules its reminders; again: a resend.
   */
  send(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/send`, undefined, options)
      .then(invoiceOf);
  }
  /** Mails the buyer of an open invoice a reminder now. */
  remind(invoiceId: string, options?: RequestOptions): Promise<Invoice> {
    return this.api
      .raw<One>('POST', `/v1/invoices/${id(invoiceId)}/remind`, undefined, options)
      .then(invoiceOf);
  }
  /** Pays the remaining amount (or `amount`, when partial payments are allowed). */
  pay(
    invoiceId: string,
    params: InvoicePayParams,
    options?: RequestOptions,
  ): Promise<InvoicePayResult> {
    const { idempotencyKey, ...payment } = params;
    return this.api.raw(
      'POST',
      `/v1/invoices/${id(invoiceId)}/pay`,
      { payment, idempotencyKey },
      options,
    );
  }
}

/**
 * The account's invoice settings in the key's mode: the number prefix, approval, the time
 * zone and the reminder schedule (`reminders: { daysBeforeDue, onDueDate, daysAfterDue }`).
 */
export class InvoiceSettingsResource {
  constructor(private readonly api: Api) {}
  retrieve(): Promise<InvoiceSettings> {
    return this.api.one('GET', '/v1/invoice_settings', 'invoice_settings');
  }
  /** Only what is given changes; a reminder list given replaces that list. */
  update(
    params: Keyed<BodyOf<'POST /v1/invoice_settings', 'invoice_settings'>>,
    options?: RequestOptions,
  ): Promise<InvoiceSettings> {
    return this.api.one('POST', '/v1/invoice_settings', 'invoice_settings', params, options);
  }
}
