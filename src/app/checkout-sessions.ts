import { writeAsOne, writeAsOneLast } from '../adapters/db/one-statement.js';
import type { Page, PageRequest } from '../adapters/db/pagination.js';
import {
  expireCheckoutSession as expireRow,
  insertCheckoutSessionQuery,
  listCheckoutSessions as listRows,
  selectCheckoutSession,
} from '../adapters/db/repos/checkout-sessions-repo.js';
import { selectCustomerById } from '../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../adapters/db/repos/events-repo.js';
import { selectOrderAggregate } from '../adapters/db/repos/orders-repo.js';
import { type RefundAggregate, selectRefundsByOrder } from '../adapters/db/repos/refunds-repo.js';
import type { CheckoutSessionRow, CustomerRow } from '../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../domain/metadata.js';
import { requireAction } from '../domain/order-lifecycle.js';
import type { Tenant } from '../domain/tenant.js';
import { checkoutSessionEvent } from './checkout-session-events.js';
import { type CreateOrderInput, createOrder } from './create-order.js';
import type { Deps } from './deps.js';
import type { Actor } from './events.js';
import { newId } from './ids.js';
import { moneyOf, type OrderView, viewOrder } from './order-pricing.js';

export interface CreateCheckoutSessionInput {
  readonly order_id?: string | undefined;
  /** Creates the order (as POST /v1/orders would) when no order_id is given. */
  readonly line_items?: CreateOrderInput['line_items'] | undefined;
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly success_url: string;
  readonly cancel_url?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

/** A session with what it shows: its order (priced now), the customer, the order's refunds. */
export interface CheckoutSessionView {
  readonly session: CheckoutSessionRow;
  readonly order: OrderView;
  readonly customer: CustomerRow | null;
  readonly refunds: readonly RefundAggregate[];
}

export async function viewCheckoutSession(
  deps: Deps,
  tenant: Tenant,
  session: CheckoutSessionRow,
): Promise<CheckoutSessionView> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, session.order_id);
  if (!aggregate) throw new Error(`order ${session.order_id} of ${session.id} vanished`);
  const order = await viewOrder(deps.db, tenant, aggregate);
  const customer = order.order.customer_id
    ? ((await selectCustomerById(deps.db, tenant, order.order.customer_id)) ?? null)
    : null;
  return { session, order, customer, refunds: await selectRefundsByOrder(deps.db, order.order.id) };
}

export async function createCheckoutSession(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  input: CreateCheckoutSessionInput,
): Promise<Result<CheckoutSessionView>> {
  if ((input.order_id === undefined) === (input.line_items === undefined)) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give either order_id or line_items',
      loc: ['checkout_session', input.order_id === undefined ? 'order_id' : 'line_items'],
    });
  }
  let orderId = input.order_id;
  if (orderId === undefined) {
    const created = await createOrder(deps, tenant, actor, {
      line_items: input.line_items ?? [],
      currency: input.currency,
      customer_id: input.customer_id,
    });
    if (!created.ok) {
      const loc = created.error.loc
        ? ['checkout_session', ...created.error.loc.slice(1)]
        : undefined;
      return fail({ ...created.error, ...(loc ? { loc } : {}) });
    }
    orderId = created.value.order.id;
  }
  const aggregate = await selectOrderAggregate(deps.db, tenant, orderId);
  if (!aggregate) return fail({ ...missing('order'), loc: ['checkout_session', 'order_id'] });
  const payable = requireAction(aggregate.order.status, 'pay', moneyOf(aggregate));
  if (!payable.ok) return payable;
  const now = deps.clock.now();
  const session: CheckoutSessionRow = {
    id: newId('cs'),
    account_id: tenant.accountId,
    mode: tenant.mode,
    order_id: orderId,
    status: 'open',
    success_url: input.success_url,
    cancel_url: input.cancel_url ?? null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  await writeAsOne(deps.db, [
    insertCheckoutSessionQuery(deps.db, session),
    insertEventsQuery(deps.db, [
      checkoutSessionEvent(tenant, actor, 'checkout.session.created', session, now),
    ]),
  ]);
  return ok(await viewCheckoutSession(deps, tenant, session));
}

export async function getCheckoutSession(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<CheckoutSessionView>> {
  const session = await selectCheckoutSession(deps.db, tenant, id);
  return session
    ? ok(await viewCheckoutSession(deps, tenant, session))
    : fail(missing('checkout session'));
}

export async function listCheckoutSessions(
  deps: Deps,
  tenant: Tenant,
  filter: {
    readonly orderId?: string | undefined;
    readonly status?: CheckoutSessionRow['status'] | undefined;
  },
  page: PageRequest,
): Promise<Page<CheckoutSessionView>> {
  const rows = await listRows(deps.db, tenant, filter, page);
  const items: CheckoutSessionView[] = [];
  for (const row of rows.items) items.push(await viewCheckoutSession(deps, tenant, row));
  return { ...rows, items };
}

/** An open session stops accepting payment; a complete one cannot expire. */
export async function expireCheckoutSession(
  deps: Deps,
  tenant: Tenant,
  actor: Actor,
  id: string,
): Promise<Result<CheckoutSessionView>> {
  const session = await selectCheckoutSession(deps.db, tenant, id);
  if (!session) return fail(missing('checkout session'));
  const now = deps.clock.now();
  const expired = await deps.db.transaction().execute(async (tx) => {
    const row = await expireRow(tx, id, now);
    if (row) {
      const event = checkoutSessionEvent(tenant, actor, 'checkout.session.expired', row, now);
      await writeAsOneLast(tx, [insertEventsQuery(tx, [event])]);
    }
    return row;
  });
  if (!expired) {
    return fail({
      code: 'checkout_session_state_invalid',
      message: `Only an open checkout session can expire; this one is ${session.status}`,
      loc: ['status'],
    });
  }
  return ok(await viewCheckoutSession(deps, tenant, expired));
}
