import { fail, ok, type Result } from './errors.js';

// What a checkout session may be asked for, before anything is written: how long it stays
// open, and what a setup session (a customer's card saved, as Stripe's `mode: "setup"`)
// refuses — it has no order, so no lines, amount or currency.

/** How long a session may stay open: Stripe's bounds. */
export const SESSION_LIFETIME = { minimumMs: 30 * 60_000, maximumMs: 24 * 3600_000 } as const;

/** When a session expires: `expires_at` (RFC 3339) when given, else 24 hours from now. */
export function sessionExpiry(expiresAt: string | undefined, now: Date): Result<Date> {
  if (expiresAt === undefined) return ok(new Date(now.getTime() + SESSION_LIFETIME.maximumMs));
  const at = new Date(expiresAt);
  const ms = at.getTime() - now.getTime();
  if (Number.isNaN(ms) || ms < SESSION_LIFETIME.minimumMs || ms > SESSION_LIFETIME.maximumMs) {
    return fail({
      code: 'parameter_invalid',
      message: 'expires_at must be between 30 minutes and 24 hours from now',
      loc: ['checkout_session', 'expires_at'],
    });
  }
  return ok(at);
}

/** The fields of a create request a setup session looks at. */
export interface SetupSessionFields {
  readonly order_id?: unknown;
  readonly line_items?: unknown;
  readonly currency?: unknown;
  readonly ui_mode?: string | undefined;
  readonly customer_id?: string | undefined;
}

/** What only a payment session has: a setup session given one is refused, naming it. */
const PAYMENT_ONLY = ['order_id', 'line_items', 'currency'] as const;

/**
 * Checks a setup session's fields: the customer whose card it saves (required), none of a
 * payment's (the first given is named), and its own page (`ui_mode: "hosted"`).
 */
export function checkSetupSession(fields: SetupSessionFields): Result<{ customerId: string }> {
  for (const name of PAYMENT_ONLY) {
    if (fields[name] !== undefined) {
      return invalid(
        `${name} goes with mode "payment": a setup session saves a card and charges nothing`,
        name,
      );
    }
  }
  if (fields.ui_mode !== undefined && fields.ui_mode !== 'hosted') {
    return invalid('A setup session is shown on its own page: ui_mode "hosted"', 'ui_mode');
  }
  if (fields.customer_id === undefined) {
    return invalid('A setup session needs the customer_id whose card it saves', 'customer_id');
  }
  return ok({ customerId: fields.customer_id });
}

function invalid<T>(message: string, field: string): Result<T> {
  return fail({ code: 'parameter_invalid', message, loc: ['checkout_session', field] });
}
