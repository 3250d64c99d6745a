import type { ProcessorSettingsRow } from '../adapters/db/schema.js';

/**
 * An account's processor in one mode. Stripe secrets appear only redacted; `stripe` stays
 * after a switch back to the sandbox, for the payments Stripe took.
 */
export function processorSettingsResource(row: ProcessorSettingsRow) {
  return {
    account_id: row.account_id,
    object: 'processor' as const,
    type: row.processor,
    stripe:
      row.stripe_secret_key_redacted === null
        ? null
        : {
            secret_key: row.stripe_secret_key_redacted,
            webhook_secret: row.stripe_webhook_secret_redacted,
            publishable_key: row.stripe_publishable_key,
          },
    test_mode: row.mode === 'test',
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}
export type ProcessorSettingsResource = ReturnType<typeof processorSettingsResource>;
