import { writeAsOne } from '../../adapters/db/one-statement.js';
import { lockCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import {
  lockPaymentMethodById,
  selectPaymentMethodById,
  updatePaymentMethodQuery,
} from '../../adapters/db/repos/payment-methods-repo.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { paymentMethodResource } from '../../resources/payment-method.js';
import { objectEvent } from '../events/record-events.js';
import type { ChangeContext, CommandContext, Update } from '../shared/command-context.js';
import { type MetadataUpdate, updateById } from '../shared/updates.js';
import { detachedFailure, writeCustomerChange } from './customer-default.js';

/** Changes a saved method's metadata (its card is the processor's to say). */
export function updatePaymentMethod(
  { deps, tenant, actor }: ChangeContext,
  update: Update<MetadataUpdate>,
): Promise<Result<PaymentMethodRow>> {
  return updateById({
    name: 'payment method',
    lock: lockPaymentMethodById,
    apply: (_current: PaymentMethodRow, _input: MetadataUpdate) => ok({}),
    write: (tx, tenant, id, changes, current, next) => {
      const event = objectEvent(
        { tenant, actor },
        {
          type: 'payment_method.updated',
          objectType: 'payment_method',
          objectId: id,
          object: paymentMethodResource(next),
          previous: paymentMethodResource(current),
          now: changes.updated_at,
        },
      );
      return writeAsOne(
        tx,
        [updatePaymentMethodQuery(tx, tenant, id, changes), insertEventsQuery(tx, [event])],
        { last: true },
      );
    },
  })({ deps, tenant }, update);
}

/**
 * Detaches a saved method: never charged again (a payment naming it is refused), and no
 * longer its customer's default (`customer.updated` when it was). Under the customer's
 * lock, then the method's (the order every change of a default takes). The processor is
 * told afterwards, outside the transaction; if it does not answer, Flint still never
 * charges the method.
 */
export async function detachPaymentMethod(
  ctx: CommandContext,
  { id }: { readonly id: string },
): Promise<Result<PaymentMethodRow>> {
  const { deps, tenant } = ctx;
  const found = await selectPaymentMethodById(deps.db, tenant, id);
  if (!found) return fail(missing('payment method'));
  const detached = await transact(deps.db, async (tx) => {
    const customer = await lockCustomerById(tx, tenant, found.customer_id);
    const method = await lockPaymentMethodById(tx, tenant, id);
    if (!method) return fail(missing('payment method'));
    if (method.status === 'detached') return fail(detachedFailure(['payment_method']));
    const now = deps.clock.now();
    const next: PaymentMethodRow = {
      ...method,
      status: 'detached',
      detached_at: now,
      updated_at: now,
    };
    const event = objectEvent(ctx, {
      type: 'payment_method.detached',
      objectType: 'payment_method',
      objectId: id,
      object: paymentMethodResource(next),
      now,
    });
    const writes = [
      updatePaymentMethodQuery(tx, tenant, id, {
        status: next.status,
        detached_at: now,
        updated_at: now,
      }),
      insertEventsQuery(tx, [event]),
    ];
    if (customer?.default_payment_method_id === id) {
      const cleared = { ...customer, default_payment_method_id: null, updated_at: now };
      await writeCustomerChange(tx, ctx, { current: customer, next: cleared, now, also: writes });
    } else {
      await writeAsOne(tx, writes);
    }
    return ok(next);
  });
  if (!detached.ok) return detached;
  await tellProcessor(ctx, detached.value);
  return detached;
}

async function tellProcessor(ctx: CommandContext, method: PaymentMethodRow): Promise<void> {
  try {
    const processor = await ctx.processors.named(ctx.tenant, method.processor);
    await processor.detachPaymentMethod({
      processorPaymentMethodId: method.processor_payment_method_id,
    });
  } catch {
    // Best effort: Flint refuses to charge a detached method whatever the processor keeps.
  }
}
