import {
  type SubscriptionSettings,
  selectSubscriptionSettings,
  upsertSubscriptionSettings,
} from '../../adapters/db/repos/subscriptions-repo.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { validRetryDays } from '../../domain/subscriptions/dunning.js';
import type { TenantContext } from '../shared/command-context.js';

export type { SubscriptionSettings };

export function getSubscriptionSettings({
  deps,
  tenant,
}: TenantContext): Promise<SubscriptionSettings> {
  return selectSubscriptionSettings(deps.db, tenant);
}

/** Sets what is given; the rest stays. A retry schedule strictly increases. */
export async function updateSubscriptionSettings(
  ctx: TenantContext,
  input: Partial<SubscriptionSettings>,
): Promise<Result<SubscriptionSettings>> {
  if (input.retry_days !== undefined && !validRetryDays(input.retry_days)) {
    return fail({
      code: 'parameter_invalid',
      message: 'retry_days are up to 8 whole days from 1 to 60, each later than the one before',
      loc: ['subscription_settings', 'retry_days'],
    });
  }
  const current = await getSubscriptionSettings(ctx);
  const next: SubscriptionSettings = {
    retry_days: input.retry_days ?? current.retry_days,
    after_retries: input.after_retries ?? current.after_retries,
    invoice_after_retries: input.invoice_after_retries ?? current.invoice_after_retries,
    missing_payment_method: input.missing_payment_method ?? current.missing_payment_method,
    trial_will_end_days: input.trial_will_end_days ?? current.trial_will_end_days,
    upcoming_days: input.upcoming_days ?? current.upcoming_days,
  };
  await upsertSubscriptionSettings(ctx.deps.db, ctx.tenant, next);
  return ok(next);
}
