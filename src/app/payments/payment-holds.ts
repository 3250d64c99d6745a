import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import { PAYMENT_HOLD_MS } from '../../domain/recovery-links/recovery-link-state.js';
import { scheduleJobIn } from '../jobs/schedule-jobs.js';
import type { TenantContext } from '../shared/command-context.js';

/** The job that ends a payment's 3-D Secure hold; its handler is in `recovery-links`. */
export const PAYMENT_HOLD_EXPIRY = { kind: 'payment_intent.hold_expiry', maxAttempts: 10 } as const;

/** What the hold's job is about. */
export interface HoldPayload {
  readonly payment_intent_id: string;
}

/**
 * A payment that waits for the buyer's 3-D Secure step holds its amount of the order's
 * balance: no other payer can take it. The hold ends `PAYMENT_HOLD_MS` after the wait
 * began (the intent is canceled, if still waiting): scheduled in the transaction that
 * records the wait, once per intent (`payment_intent:<id>:hold_expiry`), in the order's
 * customer's time (a test clock's, if it lives on one).
 */
export async function scheduleHoldExpiry(
  tx: Kysely<Database>,
  { deps, tenant }: TenantContext,
  { intentId, now }: { readonly intentId: string; readonly now: Date },
): Promise<void> {
  await scheduleJobIn<HoldPayload>(tx, tenant, {
    kind: PAYMENT_HOLD_EXPIRY,
    key: `payment_intent:${intentId}:hold_expiry`,
    payload: { payment_intent_id: intentId },
    runAt: new Date(now.getTime() + PAYMENT_HOLD_MS),
    // On a customer's test clock, the hold ends when that clock is advanced past it.
    clockId: deps.clock.id ?? null,
  });
}
