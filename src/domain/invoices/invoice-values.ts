// The invoice's closed lists of values, each declared once: the wire schemas
// (`literalUnion`), the row types and the domain's rules derive from these.

/** An invoice's status, with Stripe's names; `invoice-state.ts` says which moves are allowed. */
export const INVOICE_STATUSES = [
  'draft',
  'awaiting_approval',
  'open',
  'paid',
  'void',
  'uncollectible',
] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

/** What can be done to an invoice; each answer lists the ones its status allows. */
export const INVOICE_ACTIONS = [
  'update',
  'finalize',
  'approve',
  'reject',
  'pay',
  'void',
  'mark_uncollectible',
  'send',
  'remind',
] as const;
export type InvoiceAction = (typeof INVOICE_ACTIONS)[number];

/**
 * How the invoice is collected: the buyer pays it (`send_invoice`), or a saved payment
 * method is charged (`charge_automatically`, refused until saved payment methods exist).
 */
export const COLLECTION_METHODS = ['send_invoice', 'charge_automatically'] as const;
export type CollectionMethod = (typeof COLLECTION_METHODS)[number];

/** Why an invoice was made (Stripe's names): by hand, or a subscription's period or change. */
export const INVOICE_BILLING_REASONS = [
  'manual',
  'subscription_create',
  'subscription_cycle',
  'subscription_update',
] as const;
export type InvoiceBillingReason = (typeof INVOICE_BILLING_REASONS)[number];
