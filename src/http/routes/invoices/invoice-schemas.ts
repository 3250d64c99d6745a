import { Type } from 'typebox';
import {
  COLLECTION_METHODS,
  INVOICE_ACTIONS,
  INVOICE_BILLING_REASONS,
  INVOICE_STATUSES,
} from '../../../domain/invoices/invoice-values.js';
import {
  Fields,
  Id,
  IdempotencyKey,
  literalUnion,
  MetadataBody,
  ModeAndTimes,
  Nullable,
  Timestamp,
} from '../../schemas.js';
import { CurrencyCode, LineItems, Money } from '../orders/order-schemas.js';

// The wire schemas of invoices: the invoice resource and its request bodies.

export const InvoiceStatus = literalUnion(INVOICE_STATUSES);
const Text = (maxLength: number) => Type.String({ maxLength });
const Line = Text(200);

export const InvoiceParty = Fields(
  {
    name: Type.Optional(Line),
    email: Type.Optional(Type.String({ format: 'email', maxLength: 512 })),
    address: Type.Optional(
      Fields({
        line1: Type.Optional(Line),
        line2: Type.Optional(Line),
        city: Type.Optional(Line),
        state: Type.Optional(Line),
        postal_code: Type.Optional(Text(20)),
        country: Type.Optional(
          Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
        ),
      }),
    ),
    tax_ids: Type.Optional(
      Type.Array(Fields({ type: Text(40), value: Text(100) }), { maxItems: 5 }),
    ),
  },
  "A party's name, email, address and tax ids as they appear on the invoice",
);

const Stamp = Nullable(Timestamp);

export const Invoice = Type.Object({
  invoice_id: Type.String(),
  object: Type.Literal('invoice'),
  status: InvoiceStatus,
  number: Nullable(
    Type.String({ description: 'Gapless per account and mode; set when finalized' }),
  ),
  order_id: Type.String({ description: 'The order whose balance the invoice collects' }),
  customer_id: Nullable(Type.String()),
  currency: Type.String(),
  amount_due: Money,
  amount_paid: Money,
  amount_remaining: Money,
  amount_refunded: Money,
  collection_method: literalUnion(COLLECTION_METHODS),
  days_until_due: Nullable(Type.Integer()),
  due_date: Stamp,
  overdue: Type.Boolean({
    description:
      "Unpaid past the end of its due day (the account's time zone): `invoice.overdue` was sent; the status stays `open`",
  }),
  /** When it was last mailed to the buyer (`POST …/send`); null: never. */
  sent_at: Stamp,
  subscription_id: Nullable(
    Type.String({ description: 'The subscription whose period (or change) it bills' }),
  ),
  billing_reason: literalUnion(INVOICE_BILLING_REASONS),
  period_start: Nullable({
    ...Timestamp,
    description: "A subscription's invoice: the start of the period it bills",
  }),
  period_end: Nullable({ ...Timestamp, description: 'and its end' }),
  attempt_count: Type.Integer({
    description: 'Automatic charges of a saved payment method tried so far',
  }),
  next_payment_attempt: Nullable({
    ...Timestamp,
    description:
      "When the saved payment method is charged again (a subscription's dunning); null: no attempt planned",
  }),
  allow_partial_payments: Type.Boolean(),
  requires_approval: Type.Boolean(),
  memo: Nullable(Type.String()),
  footer: Nullable(Type.String()),
  customer_details: Nullable(InvoiceParty),
  seller_details: Nullable(InvoiceParty),
  rejection_reason: Nullable(Type.String()),
  hosted_invoice_url: Nullable(
    Type.String({
      description:
        'The page where the buyer sees and pays the invoice (an unguessable link); null until finalized',
    }),
  ),
  invoice_pdf: Nullable(
    Type.String({
      description:
        "The invoice's PDF, downloadable without an API key (the hosted page's link + `/pdf`); null until finalized. With a key: `GET /v1/invoices/{id}/pdf`",
    }),
  ),
  status_transitions: Type.Object({
    approval_requested_at: Stamp,
    approved_at: Stamp,
    rejected_at: Stamp,
    finalized_at: Stamp,
    paid_at: Stamp,
    voided_at: Stamp,
    marked_uncollectible_at: Stamp,
  }),
  available_actions: Type.Array(literalUnion(INVOICE_ACTIONS)),
  metadata: Type.Record(Type.String(), Type.String()),
  ...ModeAndTimes,
});

/** What a draft's terms may be, on create and on update. */
const Terms = {
  memo: Type.Optional(Nullable(Text(5000))),
  footer: Type.Optional(Nullable(Text(5000))),
  days_until_due: Type.Optional(Nullable(Type.Integer({ minimum: 0, maximum: 3650 }))),
  due_date: Type.Optional(Nullable(Timestamp)),
  allow_partial_payments: Type.Optional(Type.Boolean()),
  customer_details: Type.Optional(Nullable(InvoiceParty)),
  seller_details: Type.Optional(Nullable(InvoiceParty)),
};

export const CreateInvoiceBody = MetadataBody(
  'invoice',
  {
    order_id: Type.Optional(Id('ord')),
    line_items: Type.Optional(LineItems),
    currency: Type.Optional(CurrencyCode),
    customer_id: Type.Optional(Id('cus')),
    coupon_codes: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 5 }),
    ),
    collection_method: Type.Optional(literalUnion(COLLECTION_METHODS)),
    requires_approval: Type.Optional(Type.Boolean()),
    ...Terms,
  },
  'From an order (order_id) or from line_items, which make the order underneath',
);

export const UpdateInvoiceBody = MetadataBody(
  'invoice',
  Terms,
  'A draft only; metadata is merged ("" removes a key)',
);

export const RejectInvoiceBody = Type.Object(
  {
    reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why; shown on the draft' }),
    idempotency_key: Type.Optional(IdempotencyKey),
  },
  { additionalProperties: false },
);
