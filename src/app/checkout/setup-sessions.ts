import { writeAsOne } from '../../adapters/db/one-statement.js';
import {
  completeSetupSessionRow,
  insertCheckoutSessionQuery,
} from '../../adapters/db/repos/checkout-sessions-repo.js';
import { selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import type { CheckoutSessionRow } from '../../adapters/db/schema.js';
import { transactValue } from '../../adapters/db/transact.js';
import { checkSetupSession, sessionExpiry } from '../../domain/checkout-sessions.js';
import { type CheckoutUiMode, uiModeSettingsOf } from '../../domain/embedded-pay.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { SetupSessionView } from '../../resources/checkout-session.js';
import type { ChangeContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newOwnedRow } from '../shared/ids.js';
import { checkoutSessionEvent } from './checkout-session-events.js';

// Setup-mode checkout sessions (Stripe's `mode: "setup"`): a hosted page where a customer
// adds or replaces the card the merchant charges later. No order, no amount: the session
// names its customer and, once the card is saved (as the customer's default), the payment
// method. It expires as any session does.

/** What a setup session is created from (the create request's fields it reads). */
export interface CreateSetupSessionInput {
  readonly order_id?: string | undefined;
  readonly line_items?: unknown;
  readonly currency?: string | undefined;
  readonly customer_id?: string | undefined;
  readonly success_url?: string | undefined;
  readonly cancel_url?: string | undefined;
  readonly ui_mode?: CheckoutUiMode | undefined;
  readonly allowed_origins?: readonly string[] | undefined;
  readonly return_url?: string | undefined;
  readonly expires_at?: string | undefined;
  readonly metadata?: Metadata | undefined;
}

/** A setup session's view: its customer (null once the customer is deleted). */
export async function viewSetupSession(
  deps: Deps,
  tenant: Tenant,
  session: CheckoutSessionRow,
): Promise<SetupSessionView> {
  const customer =
    session.customer_id === null
      ? undefined
      : await selectCustomerById(deps.db, tenant, session.customer_id);
  return { session, order: null, customer: customer ?? null, refunds: [] };
}

export async function createSetupSession(
  ctx: ChangeContext,
  input: CreateSetupSessionInput,
): Promise<Result<SetupSessionView>> {
  const { deps, tenant, actor } = ctx;
  const checked = checkSetupSession(input);
  if (!checked.ok) return checked;
  const now = deps.clock.now();
  const expiresAt = sessionExpiry(input.expires_at, now);
  if (!expiresAt.ok) return expiresAt;
  const shown = uiModeSettingsOf(input, tenant.mode);
  if (!shown.ok) return shown;
  const customer = await selectCustomerById(deps.db, tenant, checked.value.customerId);
  if (!customer) return fail({ ...missing('customer'), loc: ['checkout_session', 'customer_id'] });
  const session: CheckoutSessionRow = {
    ...newOwnedRow('cs', tenant),
    session_mode: 'setup',
    order_id: null,
    customer_id: customer.id,
    payment_method_id: null,
    status: 'open',
    ...shown.value,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    expires_at: expiresAt.value,
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
  return ok({ session, order: null, customer, refunds: [] });
}

/**
 * Completes an open setup session with the method saved on its page, with
 * `checkout.session.completed`; undefined when it is no longer open (expired meanwhile:
 * the card stays saved, as the customer asked).
 */
export async function completeSetupSession(
  { deps, tenant, actor }: ChangeContext,
  { sessionId, paymentMethodId }: { readonly sessionId: string; readonly paymentMethodId: string },
): Promise<CheckoutSessionRow | undefined> {
  const now = deps.clock.now();
  return transactValue(deps.db, async (tx) => {
    const row = await completeSetupSessionRow(tx, { id: sessionId, paymentMethodId, at: now });
    if (row) {
      const event = checkoutSessionEvent(
        { tenant, actor },
        { type: 'checkout.session.completed', session: row, now, publicUrl: deps.publicUrl },
      );
      await writeAsOne(tx, [insertEventsQuery(tx, [event])], { last: true });
    }
    return row;
  });
}
