import { createHash } from 'node:crypto';
import { lockCustomerById, selectCustomerById } from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import { cardColumns } from '../../adapters/db/repos/payment-intents-repo.js';
import {
  insertPaymentMethodQuery,
  selectPaymentMethodByRequestKey,
} from '../../adapters/db/repos/payment-methods-repo.js';
import type { CustomerRow } from '../../adapters/db/schema.js';
import type { PaymentMethodRow } from '../../adapters/db/schema-payment-methods.js';
import { transact } from '../../adapters/db/transact.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { PaymentProcessor, SavePaymentMethodOutcome } from '../../ports/payment-processor.js';
import { paymentMethodResource } from '../../resources/payment-method.js';
import { objectEvent } from '../events/record-events.js';
import { processorNotConfigured, takesPayments } from '../processors/account-processors.js';
import type { CommandContext } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { writeCustomerChange } from './customer-default.js';

export interface SavePaymentMethodInput {
  /** The processor token the buyer's card became (`tok_visa`; on Stripe, Stripe.js's `pm_…`). */
  readonly payment_source_token: string;
  /** Make it the customer's default (the first method saved always is). */
  readonly set_default?: boolean | undefined;
  readonly metadata?: Metadata | undefined;
}

/**
 * What saving answers: the method saved — or the processor's refusal (a decline, or a card
 * that wants authentication to be saved), after which nothing is stored.
 */
export type SavedPaymentMethod =
  | { readonly kind: 'saved'; readonly method: PaymentMethodRow }
  | { readonly kind: 'declined'; readonly declineCode: string; readonly message: string };

/**
 * Saves a card as the customer's, through the processor (no card data touches Flint): the
 * processor attaches it for later off-session charges, then, under the customer's lock,
 * the method is written with `payment_method.attached` — and, when it becomes the default
 * (the customer's first, or `set_default`), the customer with `customer.updated`. The
 * processor's key derives from the request's Idempotency-Key, so a retry saves the same
 * card once and finds the method it made.
 */
export async function savePaymentMethod(
  ctx: CommandContext,
  { customerId, input }: { readonly customerId: string; readonly input: SavePaymentMethodInput },
): Promise<Result<SavedPaymentMethod>> {
  const { deps, tenant, requestKey } = ctx;
  const customer = await selectCustomerById(deps.db, tenant, customerId);
  if (!customer) return fail(missing('customer'));
  const earlier =
    requestKey && (await selectPaymentMethodByRequestKey(deps.db, tenant, requestKey));
  if (earlier && earlier.customer_id === customerId) return ok({ kind: 'saved', method: earlier });
  const found = await processorOf(ctx);
  if (!found.ok) return found;
  const processor = found.value;
  const fresh = newOwnedRow('pm', tenant);
  let outcome: SavePaymentMethodOutcome;
  try {
    outcome = await processor.savePaymentMethod({
      idempotencyKey: saveKey(tenant, customerId, requestKey ?? fresh.id),
      paymentSourceToken: input.payment_source_token,
      customer: {
        id: customer.id,
        email: customer.email ?? undefined,
        processorCustomerId: customer.processor_customer_id ?? undefined,
      },
      metadata: {
        flint_account_id: tenant.accountId,
        flint_mode: tenant.mode,
        flint_customer_id: customer.id,
      },
    });
  } catch {
    return fail({
      code: 'processor_unavailable',
      message: 'The processor did not answer; nothing was saved. Retry with the same key',
    });
  }
  if (outcome.status === 'failed') return ok({ kind: 'declined', ...outcomeFailure(outcome) });
  if (outcome.status === 'requires_action') {
    return ok({
      kind: 'declined',
      declineCode: 'authentication_required',
      message:
        "The card asks the buyer to authenticate before it can be saved: add it on the customer's setup page",
    });
  }
  const method: PaymentMethodRow = {
    ...fresh,
    customer_id: customer.id,
    processor: processor.name,
    processor_payment_method_id: outcome.processorPaymentMethodId,
    processor_customer_id: outcome.processorCustomerId ?? null,
    ...cardColumns(outcome.card),
    status: 'attached',
    detached_at: null,
    request_key: requestKey,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: deps.clock.now(),
    updated_at: deps.clock.now(),
  };
  return recordSaved(ctx, { method, setDefault: input.set_default === true });
}

function outcomeFailure(outcome: { readonly declineCode: string; readonly message: string }) {
  return { declineCode: outcome.declineCode, message: outcome.message };
}

/** The processor's key of a save: the same request of the same customer saves once. */
function saveKey(tenant: Tenant, customerId: string, key: string): string {
  const digest = createHash('sha256')
    .update(`${tenant.accountId}:${tenant.mode}:${customerId}:${key}`)
    .digest('hex')
    .slice(0, 40);
  return `flint_pm_${digest}`;
}

async function processorOf(ctx: CommandContext): Promise<Result<PaymentProcessor>> {
  let processor: PaymentProcessor;
  try {
    processor = await ctx.processors.forNewPayments(ctx.tenant);
  } catch {
    return fail({
      code: 'processor_unavailable',
      message:
        "The account's processor cannot be used; its settings need the server's encryption key",
    });
  }
  return takesPayments(ctx.tenant.mode, processor.name)
    ? ok(processor)
    : fail(processorNotConfigured);
}

/**
 * Writes the saved method under the customer's lock, in one statement with its event and,
 * when it becomes the default (or the processor made the customer its own), the customer's
 * change. A concurrent retry of the same request that wrote first is answered instead.
 */
async function recordSaved(
  ctx: CommandContext,
  { method, setDefault }: { readonly method: PaymentMethodRow; readonly setDefault: boolean },
): Promise<Result<SavedPaymentMethod>> {
  const { deps, tenant } = ctx;
  try {
    return await transact(deps.db, async (tx) => {
      const current = await lockCustomerById(tx, tenant, method.customer_id);
      if (!current) return fail(missing('customer'));
      const now = deps.clock.now();
      const saved = { ...method, created_at: now, updated_at: now };
      const attached = objectEvent(ctx, {
        type: 'payment_method.attached',
        objectType: 'payment_method',
        objectId: saved.id,
        object: paymentMethodResource(saved),
        now,
      });
      const writes = [insertPaymentMethodQuery(tx, saved), insertEventsQuery(tx, [attached])];
      const next = customerAfterSave(current, saved, setDefault, now);
      await writeCustomerChange(tx, ctx, { current, next, now, also: writes });
      return ok({ kind: 'saved' as const, method: saved });
    });
  } catch (error) {
    const earlier =
      (error as { code?: string }).code === '23505' && method.request_key
        ? await selectPaymentMethodByRequestKey(deps.db, tenant, method.request_key)
        : undefined;
    if (earlier) return ok({ kind: 'saved', method: earlier });
    throw error;
  }
}

function customerAfterSave(
  current: CustomerRow,
  saved: PaymentMethodRow,
  setDefault: boolean,
  now: Date,
): CustomerRow {
  const makesDefault = setDefault || current.default_payment_method_id === null;
  const processorCustomerId = saved.processor_customer_id ?? current.processor_customer_id;
  if (!makesDefault && processorCustomerId === current.processor_customer_id) return current;
  return {
    ...current,
    default_payment_method_id: makesDefault ? saved.id : current.default_payment_method_id,
    processor_customer_id: processorCustomerId,
    updated_at: now,
  };
}
