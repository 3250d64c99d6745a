import { selectPaymentIntentById } from '../../adapters/db/repos/payment-intents-repo.js';
import { selectProcessorSettings } from '../../adapters/db/repos/processor-settings-repo.js';
import {
  selectRefund,
  selectRefundItemByProcessorRefundId,
} from '../../adapters/db/repos/refunds-repo.js';
import type { RefundItemRow } from '../../adapters/db/schema.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { ProcessorNotice, ProcessorWebhooks } from '../../ports/payment-processor.js';
import { SYSTEM_ACTOR } from '../events/record-events.js';
import { settle } from '../payments/settle-payment.js';
import { recordOutcomes } from '../refunds/refund-outcomes.js';
import type { Deps } from '../shared/deps.js';
import type { SecretBox } from '../shared/secret-box.js';
import { openStripeSecret } from './processor-settings.js';

async function webhookSecretOf(
  deps: Deps,
  secretBox: SecretBox | null,
  tenant: Tenant,
): Promise<string | null> {
  const settings = await selectProcessorSettings(deps.db, tenant);
  if (!settings) return null;
  try {
    return openStripeSecret(secretBox, settings, 'stripe_webhook_secret');
  } catch {
    return null; // sealed under another server key: no usable secret
  }
}

/**
 * A Stripe webhook delivery: the payload names the account and mode only so that the
 * right secret can be picked; nothing in it is trusted until its signature verifies
 * with that account's webhook secret. Then the payment or refund part it is about moves
 * through the same once-only paths as the processor's direct answers, so a replayed
 * delivery changes nothing.
 */
export async function receiveStripeWebhook(
  {
    deps,
    secretBox,
    webhooks,
  }: {
    readonly deps: Deps;
    readonly secretBox: SecretBox | null;
    readonly webhooks: ProcessorWebhooks;
  },
  { payload, signature }: { readonly payload: string; readonly signature?: string | undefined },
): Promise<Result<void>> {
  const tenant = webhooks.claimedTenant(payload);
  const secret = tenant ? await webhookSecretOf(deps, secretBox, tenant) : null;
  if (!tenant || !secret) {
    return fail({
      code: 'webhook_account_unknown',
      message: 'The event names no Flint account with a Stripe webhook secret in its mode',
    });
  }
  const verified = signature ? webhooks.verify(payload, signature, secret) : null;
  if (!verified) {
    return fail({
      code: 'webhook_signature_invalid',
      message: "The Stripe-Signature header does not verify with the account's webhook secret",
    });
  }
  if (verified.livemode !== (tenant.mode === 'live')) {
    return fail({
      code: 'webhook_account_unknown',
      message: `The event is ${verified.livemode ? 'live' : 'test'}-mode, its Flint account ${tenant.mode}-mode`,
    });
  }
  return verified.notice ? applyNotice(deps, tenant, verified.notice) : ok(undefined);
}

async function applyNotice(
  deps: Deps,
  tenant: Tenant,
  notice: ProcessorNotice,
): Promise<Result<void>> {
  // Stripe tells: Flint itself records what it said.
  const ctx = { deps, tenant, actor: SYSTEM_ACTOR };
  if (notice.kind === 'payment') {
    const intent = await selectPaymentIntentById(deps.db, tenant, notice.paymentIntentId);
    const ours =
      intent?.processor === 'stripe' &&
      (intent.processor_payment_id ?? notice.processorPaymentId) === notice.processorPaymentId;
    if (!intent || !ours) return ok(undefined);
    const settled = await settle(ctx, { intent, outcome: notice.outcome });
    return settled.ok ? ok(undefined) : settled;
  }
  const item = await refundItemOf(deps, tenant, notice);
  if (!item) return ok(undefined);
  const intent = await selectPaymentIntentById(deps.db, tenant, item.payment_intent_id);
  if (intent?.processor !== 'stripe') return ok(undefined);
  const recorded = await recordOutcomes(ctx, {
    refundId: item.refund_id,
    outcomes: new Map([[item.payment_intent_id, notice.outcome]]),
  });
  return recorded.ok ? ok(undefined) : recorded;
}

/**
 * The refund part by its Stripe id; or, when Stripe's event beats our own record of the
 * answer, by the Flint ids in its metadata (a part not yet linked to another refund).
 */
async function refundItemOf(
  deps: Deps,
  tenant: Tenant,
  notice: Extract<ProcessorNotice, { kind: 'refund' }>,
): Promise<RefundItemRow | undefined> {
  const linked = await selectRefundItemByProcessorRefundId(
    deps.db,
    tenant,
    notice.processorRefundId,
  );
  if (linked || !notice.refundId || !notice.paymentIntentId) return linked;
  const refund = await selectRefund(deps.db, tenant, notice.refundId);
  return refund?.items.find(
    (i) => i.payment_intent_id === notice.paymentIntentId && i.processor_refund_id === null,
  );
}
