import { selectAccountById } from '../../adapters/db/repos/accounts-repo.js';
import {
  selectProcessorSettings,
  upsertProcessorSettings,
} from '../../adapters/db/repos/processor-settings-repo.js';
import type { ProcessorSettingsRow } from '../../adapters/db/schema.js';
import { type Failure, fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { TenantContext } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import type { SecretBox } from '../shared/secret-box.js';

export type ProcessorType = ProcessorSettingsRow['processor'];

export interface ProcessorSettingsInput {
  readonly type: ProcessorType;
  readonly secret_key?: string | undefined;
  readonly webhook_secret?: string | undefined;
  /** Stripe's publishable key (pk_…): the hosted checkout page collects cards with it. */
  readonly publishable_key?: string | undefined;
}

type SealedField = 'stripe_secret_key' | 'stripe_webhook_secret';

/** Binds a sealed secret to its account, mode and field: it opens nowhere else. */
function sealContext(tenant: Tenant, field: SealedField): string {
  return `${tenant.accountId}:${tenant.mode}:${field}`;
}

/** `sk_test_…abcd`, `whsec_…abcd`: which key it is, never enough to use it. */
export function redactProcessorSecret(secret: string): string {
  const prefix = /^(?:(?:sk|rk)_(?:test|live)_|whsec_)/.exec(secret)?.[0] ?? '';
  return `${prefix}…${secret.slice(-4)}`;
}

/** The settings of an account and mode: the sandbox, since the account exists, until set. */
export async function getProcessorSettings(
  deps: Deps,
  tenant: Tenant,
): Promise<Result<ProcessorSettingsRow>> {
  const row = await selectProcessorSettings(deps.db, tenant);
  if (row) return ok(row);
  const account = await selectAccountById(deps.db, tenant.accountId);
  if (!account) return fail(missing('account'));
  return ok({
    account_id: tenant.accountId,
    mode: tenant.mode,
    processor: 'sandbox',
    stripe_secret_key: null,
    stripe_secret_key_redacted: null,
    stripe_webhook_secret: null,
    stripe_webhook_secret_redacted: null,
    stripe_publishable_key: null,
    created_at: account.created_at,
    updated_at: account.created_at,
  });
}

function invalid(field: string, message: string): Failure {
  return { code: 'parameter_invalid', message, loc: ['processor', field] };
}

function checkInput(tenant: Tenant, input: ProcessorSettingsInput): Failure | null {
  if (input.type === 'sandbox') {
    const given = (['secret_key', 'webhook_secret', 'publishable_key'] as const).find(
      (field) => input[field] !== undefined,
    );
    return given ? invalid(given, 'The sandbox processor takes no keys') : null;
  }
  if (
    input.publishable_key !== undefined &&
    !input.publishable_key.startsWith(`pk_${tenant.mode}_`)
  ) {
    return invalid(
      'publishable_key',
      `A ${tenant.mode}-mode Flint key can only set a Stripe ${tenant.mode} publishable key (pk_${tenant.mode}_…)`,
    );
  }
  if (input.secret_key === undefined) {
    return invalid('secret_key', 'A Stripe processor needs its secret_key');
  }
  if (!new RegExp(`^(sk|rk)_${tenant.mode}_`).test(input.secret_key)) {
    return invalid(
      'secret_key',
      `A ${tenant.mode}-mode Flint key can only set a Stripe ${tenant.mode} key (sk_${tenant.mode}_… or rk_${tenant.mode}_…)`,
    );
  }
  return null;
}

/**
 * Chooses the processor of the caller's account and mode. Stripe secrets are sealed
 * before they are written. Switching back to the sandbox keeps them: refunds of the
 * payments Stripe took still go to Stripe, and its webhooks are still verified.
 */
export async function setProcessorSettings(
  { deps, secretBox, tenant }: TenantContext & { readonly secretBox: SecretBox | null },
  input: ProcessorSettingsInput,
): Promise<Result<ProcessorSettingsRow>> {
  const refused = checkInput(tenant, input);
  if (refused) return fail(refused);
  const current = await getProcessorSettings(deps, tenant);
  if (!current.ok) return current;
  const now = deps.clock.now();
  if (input.type === 'sandbox') {
    return ok(
      await upsertProcessorSettings(deps.db, {
        ...current.value,
        processor: 'sandbox',
        updated_at: now,
      }),
    );
  }
  if (!secretBox) {
    return fail({
      code: 'encryption_key_missing',
      message:
        'This Flint server cannot store Stripe keys: its operator must set FLINT_ENCRYPTION_KEY (32 random bytes, e.g. `openssl rand -base64 32`) and restart it',
    });
  }
  const secretKey = input.secret_key ?? '';
  const webhookSecret = input.webhook_secret ?? null;
  return ok(
    await upsertProcessorSettings(deps.db, {
      ...current.value,
      processor: 'stripe',
      stripe_secret_key: secretBox.seal(secretKey, sealContext(tenant, 'stripe_secret_key')),
      stripe_secret_key_redacted: redactProcessorSecret(secretKey),
      stripe_webhook_secret: webhookSecret
        ? secretBox.seal(webhookSecret, sealContext(tenant, 'stripe_webhook_secret'))
        : null,
      stripe_webhook_secret_redacted: webhookSecret ? redactProcessorSecret(webhookSecret) : null,
      stripe_publishable_key: input.publishable_key ?? null,
      updated_at: now,
    }),
  );
}

/** Opens a sealed Stripe secret of these settings; null when none is stored. */
export function openStripeSecret(
  secretBox: SecretBox | null,
  row: ProcessorSettingsRow,
  field: SealedField,
): string | null {
  const sealed = row[field];
  if (!sealed) return null;
  if (!secretBox)
    throw new Error('FLINT_ENCRYPTION_KEY is not set: stored Stripe keys cannot be opened');
  return secretBox.open(sealed, sealContext({ accountId: row.account_id, mode: row.mode }, field));
}
