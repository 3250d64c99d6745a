import { selectCheckoutSession } from '../../adapters/db/repos/checkout-sessions-repo.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Metadata } from '../../domain/metadata.js';
import type { ItemizedRequest } from '../../domain/refunds/itemized-refunds.js';
import type { AmountMoney } from '../../domain/refunds/refund-planning.js';
import type { RefundReason } from '../../domain/refunds/refund-values.js';
import type { CheckoutSessionView } from '../../resources/checkout-session.js';
import { createRefund } from '../refunds/create-refund.js';
import type { CommandContext } from '../shared/command-context.js';
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
  ctx: CommandContext,
  {
    sessionId,
    refund: input,
  }: { readonly sessionId: string; readonly refund: CheckoutSessionRefundInput },
): Promise<Result<CheckoutSessionView>> {
  const { deps, tenant } = ctx;
  const session = await selectCheckoutSession(deps.db, tenant, sessionId);
  if (!session) return fail(missing('checkout session'));
  if (session.status !== 'complete') {
    return fail({
      code: 'checkout_session_incomplete',
      message: 'Checkout session must be complete',
      loc: ['status'],
    });
  }
  if (session.order_id === null) {
    return fail({
      code: 'checkout_session_state_invalid',
      message: 'A setup session saved a card and took no payment: there is nothing to refund',
      loc: ['mode'],
    });
  }
  const { refund_metadata, ...fields } = input;
  const created = await createRefund(
    ctx,
    { ...fields, order_id: session.order_id, metadata: refund_metadata },
    { origin: { root: 'checkout_session', checkoutSessionId: session.id } },
  );
  if (!created.ok) return created;
  return ok(await viewCheckoutSession(deps, tenant, session));
}
