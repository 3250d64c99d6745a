import { writeAsOne } from '../../adapters/db/one-statement.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  insertInvoiceQuery,
  isOrderInvoiced,
  selectInvoiceSettings,
  selectOrderTotals,
} from '../../adapters/db/repos/invoices-repo.js';
import type { InvoiceParty, InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import type { CollectionMethod } from '../../domain/invoices/invoice-values.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { InvoiceView } from '../../resources/invoice.js';
import { withOrderLock } from '../orders/change-order.js';
import { createOrder } from '../orders/create-order.js';
import type { LineItemInput } from '../orders/order-lines.js';
import type { ChangeContext } from '../shared/command-context.js';
import { newOwnedRow, newPageToken } from '../shared/ids.js';
import { invoiceEvent } from './invoice-views.js';

/** The terms an invoice is created with and a draft may change. */
export interface InvoiceTermsInput {
  readonly memo?: string | null | undefined;
  readonly footer?: string | null | undefined;
  readonly days_until_due?: number | null | undefined;
  readonly due_date?: string | null | undefined;
  readonly allow_partial_payments?: boolean | undefined;
  readonly customer_details?: InvoiceParty | null | undefined;
  readonly seller_details?: InvoiceParty | null | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface CreateInvoiceInput extends InvoiceTermsInput {
  /** The order whose balance the invoice collects; or `line_items` to make one. */
  readonly order_id?: string | undefined;
  readonly line_items?: readonly LineItemInput[] | undefined;
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly coupon_codes?: readonly string[] | undefined;
  readonly collection_method?: CollectionMethod | undefined;
  /** Whether finalizing waits for an approval; the account's setting when not given. */
  readonly requires_approval?: boolean | undefined;
}

/** Days a `send_invoice` invoice has when neither `days_until_due` nor `due_date` is given. */
export const DEFAULT_DAYS_UNTIL_DUE = 30;

const invalid = (message: string, field: string): Failure => ({
  code: 'parameter_invalid',
  message,
  loc: ['invoice', field],
});

/** The due terms after `input` (the current ones when it gives none): a date, or days. */
export function dueTerms(
  input: InvoiceTermsInput,
  current: Pick<InvoiceRow, 'days_until_due' | 'due_date'>,
  now: Date,
): Result<Pick<InvoiceRow, 'days_until_due' | 'due_date'>> {
  const { days_until_due: days, due_date: date } = input;
  if (days != null && date != null) {
    return fail(invalid('Give days_until_due or due_date, not both', 'due_date'));
  }
  if (date != null) {
    const due = new Date(date);
    if (due.getTime() <= now.getTime()) {
      return fail(invalid('due_date must be in the future', 'due_date'));
    }
    return ok({ days_until_due: null, due_date: due });
  }
  if (days != null) return ok({ days_until_due: days, due_date: null });
  return ok({ days_until_due: current.days_until_due, due_date: current.due_date });
}

function checkSource(input: CreateInvoiceInput): Result<void> {
  const fromOrder = input.order_id !== undefined;
  if (fromOrder === (input.line_items !== undefined)) {
    return fail(invalid('Give order_id or line_items, exactly one', 'order_id'));
  }
  if (fromOrder) {
    for (const field of ['currency', 'customer_id', 'coupon_codes'] as const) {
      if (input[field] !== undefined) {
        return fail(invalid(`${field} is taken from the order; give it with line_items`, field));
      }
    }
  }
  if (input.collection_method === 'charge_automatically') {
    return fail(
      invalid(
        'charge_automatically needs a saved payment method, which Flint does not keep yet: use send_invoice',
        'collection_method',
      ),
    );
  }
  return ok(undefined);
}

/** `order.…` locations of the order made underneath become the invoice's own. */
function asInvoiceField(failure: Failure): Failure {
  const [root, ...rest] = failure.loc ?? [];
  return root === 'order' ? { ...failure, loc: ['invoice', ...rest] } : failure;
}

/**
 * Creates a draft invoice for an order's balance: the order named by `order_id` (OPEN:
 * it still has something to collect), or one made from `line_items` with the existing
 * create-order command (one sale record). One invoice per order at a time: another is a
 * 409 until the first is voided.
 */
export async function createInvoice(
  ctx: ChangeContext,
  input: CreateInvoiceInput,
): Promise<Result<InvoiceView>> {
  const checked = checkSource(input);
  if (!checked.ok) return checked;
  const now = ctx.deps.clock.now();
  const terms = dueTerms(input, { days_until_due: DEFAULT_DAYS_UNTIL_DUE, due_date: null }, now);
  if (!terms.ok) return terms;
  let orderId = input.order_id;
  if (orderId === undefined) {
    const made = await createOrder(ctx, {
      line_items: input.line_items ?? [],
      currency: input.currency,
      customer_id: input.customer_id,
      coupon_codes: input.coupon_codes,
    });
    if (!made.ok) return fail(asInvoiceField(made.error));
    orderId = made.value.order.id;
  }
  const settings = await selectInvoiceSettings(ctx.deps.db, ctx.tenant);
  try {
    return await insertDraft(ctx, {
      orderId,
      input,
      terms: terms.value,
      requiresApproval: input.requires_approval ?? settings.approval_required,
    });
  } catch (error) {
    if (!isOrderInvoiced(error)) throw error;
    return fail({
      code: 'resource_in_use',
      message: 'The order already has an invoice: void it to make another',
      loc: ['invoice', 'order_id'],
    });
  }
}

/** Under the order's lock: the order must be OPEN; writes the draft and `invoice.created`. */
function insertDraft(
  ctx: ChangeContext,
  p: {
    readonly orderId: string;
    readonly input: CreateInvoiceInput;
    readonly terms: Pick<InvoiceRow, 'days_until_due' | 'due_date'>;
    readonly requiresApproval: boolean;
  },
): Promise<Result<InvoiceView>> {
  const { tenant, actor } = ctx;
  return withOrderLock(ctx, p.orderId, async (tx, now) => {
    const [order] = await selectOrderTotals(tx, tenant, [p.orderId]);
    if (!order) return fail({ ...missing('order'), loc: ['invoice', 'order_id'] });
    if (order.status !== 'OPEN') {
      return fail({
        code: 'order_state_invalid',
        message: `Cannot invoice an order that is ${order.status}: it has nothing left to collect`,
        loc: ['invoice', 'order_id'],
        details: { status: order.status },
      });
    }
    const { input } = p;
    const invoice = newInvoiceRow(tenant, {
      order,
      terms: p.terms,
      input,
      requiresApproval: p.requiresApproval,
      now,
    });
    const view: InvoiceView = { invoice, order };
    await writeAsOne(tx, [
      insertInvoiceQuery(tx, invoice),
      insertEventsQuery(tx, [
        invoiceEvent(
          { tenant, actor },
          { type: 'invoice.created', view, publicUrl: ctx.deps.publicUrl },
        ),
      ]),
    ]);
    return ok(view);
  });
}

/** A new draft invoice's row for an order; a subscription's period fills in its own fields. */
export function newInvoiceRow(
  tenant: Tenant,
  p: {
    readonly order: { readonly id: string; readonly customer_id: string | null };
    readonly terms: Pick<InvoiceRow, 'days_until_due' | 'due_date'>;
    readonly input: InvoiceTermsInput;
    readonly requiresApproval: boolean;
    readonly now: Date;
  },
): InvoiceRow {
  const { input, now } = p;
  return {
    ...newOwnedRow('inv', tenant),
    order_id: p.order.id,
    customer_id: p.order.customer_id,
    status: 'draft',
    number: null,
    collection_method: 'send_invoice',
    ...p.terms,
    allow_partial_payments: input.allow_partial_payments ?? false,
    requires_approval: p.requiresApproval,
    memo: input.memo ?? null,
    footer: input.footer ?? null,
    customer_details: input.customer_details ?? null,
    seller_details: input.seller_details ?? null,
    rejection_reason: null,
    approval_requested_at: null,
    approved_at: null,
    rejected_at: null,
    finalized_at: null,
    paid_at: null,
    voided_at: null,
    marked_uncollectible_at: null,
    sent_at: null,
    overdue_at: null,
    hosted_token: newPageToken(),
    subscription_id: null,
    billing_reason: 'manual',
    period_start: null,
    period_end: null,
    attempt_count: 0,
    next_payment_attempt: null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
}
