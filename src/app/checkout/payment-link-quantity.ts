import { selectPaymentLinkById } from '../../adapters/db/repos/payment-links-repo.js';
import type {
  CheckoutSessionRow,
  OrderLineItemRow,
  PaymentIntentRow,
  PaymentLinkLine,
} from '../../adapters/db/schema.js';
import { type Failure, fail, ok, type Result } from '../../domain/errors.js';
import { moneyOf } from '../../domain/order-lifecycle.js';
import type { Tenant } from '../../domain/tenant.js';
import type { PaymentSessionView } from '../../resources/checkout-session.js';
import type { OrderView } from '../../resources/order.js';
import { updateOrder } from '../orders/order-commands.js';
import type { TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';

// A payment link whose first line has an adjustable quantity lets the buyer change that
// quantity on the checkout page of each session it started, within the link's bounds.
// The order is re-priced by the server (updateOrder, through changeOrder): the buyer
// sends a quantity, never a price.

/** The quantity control a checkout page shows: the first line's quantity and its bounds. */
export interface QuantityControl {
  readonly quantity: number;
  readonly minimum: number;
  readonly maximum: number;
}

export interface QuantityBounds {
  readonly minimum: number;
  readonly maximum: number;
}

const refused = (message: string): Failure => ({
  code: 'parameter_invalid',
  message,
  loc: ['quantity'],
});

/** A quantity the bounds allow, or the buyer's message naming them. */
export function quantityWithin(bounds: QuantityBounds, quantity: number): Result<number> {
  if (!Number.isSafeInteger(quantity) || quantity < bounds.minimum || quantity > bounds.maximum) {
    return fail(refused(`Choose a quantity between ${bounds.minimum} and ${bounds.maximum}`));
  }
  return ok(quantity);
}

/** The link a session was started by (it names itself in the session's metadata). */
function linkIdOf(session: CheckoutSessionRow): string | undefined {
  return session.metadata.payment_link_id;
}

/** The link's adjustable first line, when the order still sells it first. */
function adjustableLine(
  lines: readonly PaymentLinkLine[],
  orderLines: readonly OrderLineItemRow[],
): (PaymentLinkLine & { readonly adjustable_quantity: QuantityBounds }) | null {
  const [first] = lines;
  const bounds = first?.adjustable_quantity;
  if (!first || !bounds?.enabled || orderLines[0]?.price_id !== first.price_id) return null;
  return { ...first, adjustable_quantity: bounds };
}

/**
 * What an open session's page offers to change: null unless a payment link started it,
 * that link's first line has an adjustable quantity and the order has taken no money.
 */
export async function quantityControlOf(
  { deps, tenant }: TenantContext,
  { session, order }: { readonly session: CheckoutSessionRow; readonly order: OrderView },
): Promise<QuantityControl | null> {
  const linkId = linkIdOf(session);
  if (session.status !== 'open' || !linkId || moneyOf(order) !== 'none') return null;
  const link = await selectPaymentLinkById(deps.db, tenant, linkId);
  const line = link && adjustableLine(link.line_items, order.lines);
  const current = order.lines[0];
  if (!line || !current) return null;
  const { minimum, maximum } = line.adjustable_quantity;
  return { quantity: current.quantity, minimum, maximum };
}

/**
 * The buyer chose another quantity: the order's lines become the link's, the first at
 * that quantity, priced by the catalog now. Refused (nothing changed) out of bounds, on a
 * session no longer open or past its time, and while a payment is under way (the order's
 * lock decides that: an order holding a payment cannot change what it sells).
 */
/** What the hosted page knows of its session (`CheckoutPage` has it). */
export interface SessionOnPage {
  readonly tenant: Tenant;
  readonly view: PaymentSessionView;
  /** A payment waiting for the buyer's 3-D Secure step, if any. */
  readonly waiting: PaymentIntentRow | null;
}

export async function changeSessionQuantity(
  deps: Deps,
  page: SessionOnPage,
  quantity: number,
): Promise<Result<OrderView>> {
  const { session } = page.view;
  if (session.status !== 'open' || session.expires_at <= deps.clock.now()) {
    return fail({
      code: 'checkout_session_state_invalid',
      message: 'This checkout is no longer open',
      loc: ['quantity'],
    });
  }
  if (page.waiting) {
    return fail({
      code: 'order_state_invalid',
      message: 'A payment for this order is under way',
      loc: ['quantity'],
    });
  }
  const linkId = linkIdOf(session);
  const link = linkId ? await selectPaymentLinkById(deps.db, page.tenant, linkId) : undefined;
  const line = link && adjustableLine(link.line_items, page.view.order.lines);
  if (!link || !line) return fail(refused('The quantity of this order cannot be changed'));
  const chosen = quantityWithin(line.adjustable_quantity, quantity);
  if (!chosen.ok) return chosen;
  const [, ...rest] = link.line_items;
  const lines = [{ ...line, quantity: chosen.value }, ...rest];
  const updated = await updateOrder(
    { deps, tenant: page.tenant, actor: { type: 'system', id: session.id } },
    {
      orderId: session.order_id,
      changes: { line_items: lines.map((l) => ({ price_id: l.price_id, quantity: l.quantity })) },
    },
  );
  return updated.ok ? updated : fail({ ...buyerFacing(updated.error), loc: ['quantity'] });
}

/** What the order change refused, told the buyer (the API's messages name its fields). */
function buyerFacing(failure: Failure): Failure {
  switch (failure.code) {
    case 'order_state_invalid':
      return {
        ...failure,
        message: 'The quantity cannot change now: a payment for this order is under way.',
      };
    case 'out_of_stock':
      return { ...failure, message: 'Not enough of this item is in stock for that quantity.' };
    default:
      return { ...failure, message: 'This quantity cannot be chosen right now.' };
  }
}
