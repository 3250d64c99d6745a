import { writeAsOne } from '../../adapters/db/one-statement.js';
import type { Page } from '../../adapters/db/pagination.js';
import {
  expireCheckoutSession as expireRow,
  insertCheckoutSessionQuery,
  listCheckoutSessions as listRows,
  selectCheckoutSession,
  selectDueCheckoutSessions,
  selectPublicCheckoutSession,
} from '../../adapters/db/repos/checkout-sessions-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { lockOrder, selectOrderAggregate } from '../../adapters/db/repos/orders-repo.js';
import { selectRefundsByOrder } from '../../adapters/db/repos/refunds-repo.js';
import type { CheckoutSessionRow } from '../../adapters/db/schema.js';
import { transactValue } from '../../adapters/db/transact.js';
import { SESSION_LIFETIME, sessionExpiry } from '../../domain/checkout-sessions.js';
import { type CheckoutUiMode, uiModeSettingsOf } from '../../domain/embedded-pay.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import { moneyOf, requireAction } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { CheckoutSessionMode } from '../../domain/value-lists.js';
import {
  type CheckoutSessionView,
  isPaymentSession,
  type PaymentSessionRow,
  type PaymentSessionView,
} from '../../resources/checkout-session.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { type CreateOrderInput, createOrder } from '../orders/create-order.js';
import { viewOrder } from '../orders/order-pricing.js';
import { recoverAutomatically } from '../recovery-links/automatic-recovery.js';
import type { ChangeContext, ListInput, TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { checkoutSessionEvent } from './checkout-session-events.js';
import { createSetupSession, viewSetupSession } from './setup-sessions.js';

export interface CreateCheckoutSessionInput {
  /** `payment` (the default) pays an order; `setup` saves the `customer_id`'s card. */
  readonly mode?: CheckoutSessionMode | undefined;
  readonly order_id?: string | undefined;
  /** Creates the order (as POST /v1/orders would) when no order_id is given. */
  readonly line_items?: CreateOrderInput['line_items'] | undefined;
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  /** Hosted sessions (the default): where the buyer goes once paid. */
  readonly success_url?: string | undefined;
  readonly cancel_url?: string | undefined;
  /** `embedded`: framed in the merchant's page (`allowed_origins`), then `return_url`. */
  readonly ui_mode?: CheckoutUiMode | undefined;
  readonly allowed_origins?: readonly string[] | undefined;
  readonly return_url?: string | undefined;
  /** RFC 3339; 30 minutes to 24 hours from now (24 hours when not given), as with Stripe. */
  readonly expires_at?: string | undefined;
  readonly metadata?: Metadata | undefined;
  /** The order's metadata when the session creates it (a payment link names itself there). */
  readonly order_metadata?: Metadata | undefined;
}

/** A session as the API shows it: a payment session's order, or a setup session's customer. */
export async function viewCheckoutSession(
  deps: Deps,
  tenant: Tenant,
  session: CheckoutSessionRow,
): Promise<CheckoutSessionView> {
  return isPaymentSession(session)
    ? viewPaymentSession(deps, tenant, session)
    : viewSetupSession(deps, tenant, session);
}

export async function viewPaymentSession(
  deps: Deps,
  tenant: Tenant,
  session: PaymentSessionRow,
): Promise<PaymentSessionView> {
  const aggregate = await selectOrderAggregate(deps.db, tenant, session.order_id);
  if (!aggregate) throw new Error(`order ${session.order_id} of ${session.id} vanished`);
  const order = await viewOrder(deps.db, tenant, aggregate);
  const customer = order.order.customer_id
    ? ((await selectCustomerById(deps.db, tenant, order.order.customer_id)) ?? null)
    : null;
  return { session, order, customer, refunds: await selectRefundsByOrder(deps.db, order.order.id) };
}

export async function createCheckoutSession(
  ctx: ChangeContext,
  input: CreateCheckoutSessionInput,
): Promise<Result<CheckoutSessionView>> {
  const { deps, tenant, actor } = ctx;
  if (input.mode === 'setup') return createSetupSession(ctx, input);
  if (input.order_id !== undefined && input.customer_id !== undefined) {
    // The session shows (and pays) the order's customer: set it on the order instead.
    return fail({
      code: 'parameter_invalid',
      message:
        "customer_id goes with line_items; a session for an order_id shows the order's customer",
      loc: ['checkout_session', 'customer_id'],
    });
  }
  if ((input.order_id === undefined) === (input.line_items === undefined)) {
    return fail({
      code: 'parameter_invalid',
      message: 'Give either order_id or line_items',
      loc: ['checkout_session', input.order_id === undefined ? 'order_id' : 'line_items'],
    });
  }
  const expiresAt = sessionExpiry(input.expires_at, deps.clock.now());
  if (!expiresAt.ok) return expiresAt;
  const shown = uiModeSettingsOf(input, tenant.mode);
  if (!shown.ok) return shown;
  let orderId = input.order_id;
  if (orderId === undefined) {
    const created = await createOrder(ctx, {
      line_items: input.line_items ?? [],
      currency: input.currency,
      customer_id: input.customer_id,
      metadata: input.order_metadata,
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
  const session: PaymentSessionRow = {
    ...newOwnedRow('cs', tenant),
    session_mode: 'payment',
    order_id: orderId,
    customer_id: null,
    payment_method_id: null,
    status: 'open',
    ...shown.value,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    expires_at:
      input.expires_at === undefined
        ? new Date(now.getTime() + SESSION_LIFETIME.maximumMs)
        : expiresAt.value,
    created_at: now,
    updated_at: now,
  };
  await writeAsOne(deps.db, [
    insertCheckoutSessionQuery(deps.db, session),
    insertEventsQuery(deps.db, [
      checkoutSessionEvent(
        { tenant, actor },
        { type: 'checkout.session.created', session, now, publicUrl: deps.publicUrl },
      ),
    ]),
  ]);
  return ok(await viewPaymentSession(deps, tenant, session));
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
  { deps, tenant }: TenantContext,
  {
    filter,
    page,
  }: ListInput<{
    readonly orderId?: string | undefined;
    readonly status?: CheckoutSessionRow['status'] | undefined;
  }>,
): Promise<Page<CheckoutSessionView>> {
  const rows = await listRows(deps.db, tenant, filter, page);
  const items: CheckoutSessionView[] = [];
  for (const row of rows.items) items.push(await viewCheckoutSession(deps, tenant, row));
  return { ...rows, items };
}

/**
 * A session by its id alone, for its public page (the id is the capability): one open past
 * its time is expired now (the expiry worker would do it within a minute).
 */
export async function readPublicSession(
  deps: Deps,
  sessionId: string,
): Promise<CheckoutSessionRow | undefined> {
  const session = await selectPublicCheckoutSession(deps.db, sessionId);
  if (session?.status !== 'open' || session.expires_at > deps.clock.now()) {
    return session;
  }
  const tenant: Tenant = { accountId: session.account_id, mode: session.mode };
  const expired = await expireCheckoutSession(
    { deps, tenant, actor: SYSTEM_ACTOR },
    { sessionId: session.id },
  );
  // Not expired: completed (or expired) meanwhile; read it as it is now.
  return expired.ok
    ? expired.value.session
    : ((await selectPublicCheckoutSession(deps.db, sessionId)) ?? session);
}

/** An open session stops accepting payment; a complete one cannot expire. */
export async function expireCheckoutSession(
  { deps, tenant, actor }: ChangeContext,
  { sessionId: id }: { readonly sessionId: string },
): Promise<Result<CheckoutSessionView>> {
  const session = await selectCheckoutSession(deps.db, tenant, id);
  if (!session) return fail(missing('checkout session'));
  const now = deps.clock.now();
  const expired = await transactValue(deps.db, async (tx) => {
    // The order first, as a payment locks it before it completes the order's sessions.
    if (session.order_id !== null) await lockOrder(tx, tenant, session.order_id);
    const row = await expireRow(tx, id, now);
    if (row) {
      const event = checkoutSessionEvent(
        { tenant, actor },
        { type: 'checkout.session.expired', session: row, now, publicUrl: deps.publicUrl },
      );
      await writeAsOne(tx, [insertEventsQuery(tx, [event])]);
      // With automatic recovery on, a balance left gets a recovery link mailed to the buyer.
      if (row.order_id !== null) {
        await recoverAutomatically(
          tx,
          { deps, tenant, actor },
          { orderId: row.order_id, source: 'checkout_session_expired', sourceId: id, now },
        );
      }
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

/**
 * Expires the open sessions past their `expires_at` (each with its
 * `checkout.session.expired` event), in batches; returns how many expired.
 */
export async function expireDueCheckoutSessions(deps: Deps, batch = 100): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await selectDueCheckoutSessions(deps.db, deps.clock.now(), batch);
    for (const session of due) {
      const tenant: Tenant = { accountId: session.account_id, mode: session.mode };
      // A session paid or expired meanwhile is left as it is.
      const expired = await expireCheckoutSession(
        { deps, tenant, actor: SYSTEM_ACTOR },
        { sessionId: session.id },
      );
      if (expired.ok) total += 1;
    }
    if (due.length < batch) return total;
  }
}
