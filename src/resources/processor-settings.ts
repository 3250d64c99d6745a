import type { ProcessorSettingsRow } from '../adapters/db/schema.js';
import { modeAndTimes } from './object-times.js';

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
    ...modeAndTimes(row),
  };
}
export type ProcessorSettingsResource = ReturnType<typeof processorSettingsResource>;
