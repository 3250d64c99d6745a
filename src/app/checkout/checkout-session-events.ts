import { rowsFromJson } from '../../adapters/db/json-rows.js';
import type { CheckoutSessionRow, NewEventRow } from '../../adapters/db/schema.js';
import type { EventType } from '../../domain/event-types.js';
import { checkoutSessionEventObject } from '../../resources/checkout-session.js';
import { type EventAuthor, objectEvent } from '../events/record-events.js';

type SessionEventType = Extract<EventType, `checkout.session.${string}`>;

/** A checkout session's change (`publicUrl`: `Deps.publicUrl`, for the session's URL). */
interface SessionEventInput {
  readonly type: SessionEventType;
  readonly now: Date;
  readonly publicUrl: string | undefined;
}

/** The event of a checkout session's change. */
export function checkoutSessionEvent(
  author: EventAuthor,
  { type, session, now, publicUrl }: SessionEventInput & { readonly session: CheckoutSessionRow },
): NewEventRow {
  return objectEvent(author, {
    type,
    objectType: 'checkout_session',
    objectId: session.id,
    object: checkoutSessionEventObject(session, publicUrl),
    now,
  });
}

/** One event per session an order's change closed (rows as a statement returned them). */
export function closedSessionEvents(
  author: EventAuthor,
  {
    rows,
    ...change
  }: SessionEventInput & { readonly rows: readonly Record<string, unknown>[] | undefined },
): NewEventRow[] {
  return rowsFromJson<CheckoutSessionRow>(rows ?? [], [
    'expires_at',
    'created_at',
    'updated_at',
  ]).map((session) => checkoutSessionEvent(author, { ...change, session }));
}
