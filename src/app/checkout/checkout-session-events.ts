import { rowsFromJson } from '../../adapters/db/json-rows.js';
import type { CheckoutSessionRow, EventRow } from '../../adapters/db/schema.js';
import type { EventType } from '../../domain/event-types.js';
import type { Tenant } from '../../domain/tenant.js';
import { checkoutSessionEventObject } from '../../resources/checkout-session.js';
import { type Actor, objectEvent } from '../events/record-events.js';

type SessionEventType = Extract<EventType, `checkout.session.${string}`>;

/** The event of a checkout session's change (`publicUrl`: `Deps.publicUrl`). */
export function checkoutSessionEvent(
  tenant: Tenant,
  actor: Actor,
  type: SessionEventType,
  session: CheckoutSessionRow,
  now: Date,
  publicUrl: string | undefined,
): EventRow {
  return objectEvent(
    tenant,
    actor,
    { type, objectType: 'checkout_session', objectId: session.id },
    checkoutSessionEventObject(session, publicUrl),
    now,
  );
}

/** One event per session an order's change closed (rows as a statement returned them). */
export function closedSessionEvents(
  tenant: Tenant,
  actor: Actor,
  type: SessionEventType,
  rows: readonly Record<string, unknown>[] | undefined,
  now: Date,
  publicUrl: string | undefined,
): EventRow[] {
  return rowsFromJson<CheckoutSessionRow>(rows ?? [], [
    'expires_at',
    'created_at',
    'updated_at',
  ]).map((row) => checkoutSessionEvent(tenant, actor, type, row, now, publicUrl));
}
