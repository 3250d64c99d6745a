import { selectCheckoutSession } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Metadata } from '../../domain/metadata.js';
import type { ItemizedRequest } from '../../domain/refunds/itemized-refunds.js';
import type { AmountMoney } from '../../domain/refunds/refund-planning.js';
import type { RefundReason } from '../../domain/refunds/refund-values.js';
import type { Tenant } from '../../domain/tenant.js';
import type { Processors } from '../../ports/payment-processor.js';
import type { CheckoutSessionView } from '../../resources/checkout-session.js';
import type { Actor } from '../events/record-events.js';
import { createRefund } from '../refunds/create-refund.js';
import type { Deps } from '../shared/deps.js';
import { viewCheckoutSession } from './checkout-sessions.js';

export interface CheckoutSessionRefundInput extends ItemizedRequest {
  readonly amount?: number | undefined;
  readonly amount_money?: AmountMoney | undefined;
  readonly reason?: RefundReason | null | undefined;
  readonly refund_metadata?: Metadata | undefined;
}

/**
 * The refund guide's primary endpoint: refunds a complete checkout session's order (by
 * lines, a flat amount, or everything left) and returns the session with its refunds.
 */
export async function refundCheckoutSession(
  deps: Deps,
  processors: Processors,
  tenant: Tenant,
  actor: Actor,
  sessionId: string,
  input: CheckoutSessionRefundInput,
  requestKey: string | null = null,
): Promise<Result<CheckoutSessionView>> {
  const session = await selectCheckoutSession(deps.db, tenant, sessionId);
  if (!session) return fail(missing('checkout session'));
  if (session.status !== 'complete') {
    return fail({
      code: 'checkout_session_incomplete',
      message: 'Checkout session must be complete',
      loc: ['status'],
    });
  }
  const { refund_metadata, ...fields } = input;
  const created = await createRefund(
    deps,
    processors,
    tenant,
    actor,
    { ...fields, order_id: session.order_id, metadata: refund_metadata },
    { root: 'checkout_session', checkoutSessionId: session.id },
    requestKey,
  );
  if (!created.ok) return created;
  return ok(await viewCheckoutSession(deps, tenant, session));
}
