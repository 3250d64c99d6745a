import type { Kysely } from 'kysely';
import type { Database } from '../../adapters/db/schema.js';
import type { Tenant } from '../../domain/tenant.js';
import type { CommandContext } from './command-context.js';

/**
 * How long a payment or refund can be resumed by a retry with the client's
 * Idempotency-Key: as long as the key itself is kept (PRODUCT.md §1, 24 hours).
 * A crash after the processor answered but before Flint recorded it frees the key;
 * the retry then finds the payment or refund it started and finishes it, sending it to
 * the processor again with the same processor idempotency key — never a second charge.
 */
export const RESUME_WINDOW_MS = 24 * 60 * 60 * 1000;

export function resumableSince(now: Date): Date {
  return new Date(now.getTime() - RESUME_WINDOW_MS);
}

/**
 * What the request's `Idempotency-Key` started within the resume window (`select`: the
 * payment or refund by its `request_key`); nothing outside a request with a key.
 */
export async function startedByRequest<T>(
  { deps, tenant, requestKey }: Pick<CommandContext, 'deps' | 'tenant' | 'requestKey'>,
  select: (
    db: Kysely<Database>,
    tenant: Tenant,
    key: string,
    since: Date,
  ) => Promise<T | undefined>,
): Promise<T | undefined> {
  if (!requestKey) return undefined;
  return select(deps.db, tenant, requestKey, resumableSince(deps.clock.now()));
}
