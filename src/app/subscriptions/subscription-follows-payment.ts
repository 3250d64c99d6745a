import type { Kysely } from 'kysely';
import type { Write } from '../../adapters/db/one-statement.js';
import { lockSubscriptionById } from '../../adapters/db/repos/subscriptions-repo.js';
import type { Database, NewEventRow } from '../../adapters/db/schema.js';
import type { InvoiceRow } from '../../adapters/db/schema-invoices.js';
import { statusAfter } from '../../domain/subscriptions/subscription-state.js';
import type { ChangeContext } from '../shared/command-context.js';
import { subscriptionChange } from './subscription-views.js';

/**
 * A subscription follows its invoices, however they are paid (its charge job, the hosted
 * invoice page, `/v1/invoices/{id}/pay`, the console): when a subscription's invoice
 * becomes paid, in the transaction that records it (the order's lock, then the invoice's,
 * held), the subscription is locked and moves — `incomplete` → `active` for its first
 * payment, `past_due` or `unpaid` → `active` when it is its latest invoice. Unsent writes
 * and events, for the payment's own statement; none when nothing changes.
 */
export async function subscriptionFollowsPayment(
  tx: Kysely<Database>,
  ctx: ChangeContext,
  p: { readonly invoice: Pick<InvoiceRow, 'id' | 'subscription_id'>; readonly now: Date },
): Promise<SubscriptionFollows> {
  if (!p.invoice.subscription_id) return { writes: [], events: [], baseUrl: null };
  const current = await lockSubscriptionById(tx, ctx.tenant, p.invoice.subscription_id);
  const none = { writes: [], events: [], baseUrl: current?.base_url ?? null };
  if (!current || current.latest_invoice_id !== p.invoice.id) return none;
  const to = statusAfter(
    current.status,
    current.status === 'incomplete' ? 'first_payment_succeeded' : 'invoice_paid',
  );
  if (to === null || to === current.status) return none;
  const { writes, events } = subscriptionChange(tx, ctx, {
    current,
    changes: { status: to },
    now: p.now,
  });
  return { writes, events, baseUrl: current.base_url };
}

/** What the subscription's move writes (unsent), and where its mails link to. */
export interface SubscriptionFollows {
  readonly writes: readonly Write[];
  readonly events: readonly NewEventRow[];
  /** The subscription's `base_url` (its creating request's), for the receipt's link. */
  readonly baseUrl: string | null;
}
