import { randomBytes } from 'node:crypto';
import type { WebhookEndpointRow } from '../../adapters/db/schema-webhooks.js';
import type { Failure } from '../../domain/errors.js';
import type { Tenant } from '../../domain/tenant.js';
import type { SecretBox } from '../shared/secret-box.js';

/** How long the secret before a rotation keeps signing alongside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/** A Standard Webhooks secret: `whsec_` and 32 random bytes in base64. */
export function mintWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Binds an endpoint's sealed secrets to its account, mode and id. The current and the
 * previous secret share it, so a rotation moves the sealed value without opening it.
 */
function sealContext(tenant: Tenant, endpointId: string): string {
  return `${tenant.accountId}:${tenant.mode}:webhook_endpoint:${endpointId}`;
}

export function sealWebhookSecret(
  box: SecretBox,
  tenant: Tenant,
  { endpointId, secret }: { readonly endpointId: string; readonly secret: string },
): string {
  return box.seal(secret, sealContext(tenant, endpointId));
}

/** The secrets that sign a delivery now: the current one, and the previous until it expires. */
export function signingSecrets(box: SecretBox, endpoint: WebhookEndpointRow, now: Date): string[] {
  const context = sealContext({ accountId: endpoint.account_id, mode: endpoint.mode }, endpoint.id);
  const secrets = [box.open(endpoint.secret, context)];
  if (
    endpoint.previous_secret !== null &&
    endpoint.previous_secret_expires_at !== null &&
    endpoint.previous_secret_expires_at > now
  ) {
    secrets.push(box.open(endpoint.previous_secret, context));
  }
  return secrets;
}

export const encryptionKeyMissing: Failure = {
  code: 'encryption_key_missing',
  message:
    'This Flint server cannot store webhook signing secrets: its operator must set FLINT_ENCRYPTION_KEY (32 random bytes, e.g. `openssl rand -base64 32`) and restart it',
};
