import type { WebhookEndpointRow } from '../adapters/db/schema-webhooks.js';
import { modeAndTimes } from './object-times.js';

/** A webhook endpoint as the API and its events show it: never with its secret. */
export function webhookEndpointResource(row: WebhookEndpointRow) {
  return {
    webhook_endpoint_id: row.id,
    object: 'webhook_endpoint' as const,
    url: row.url,
    enabled_events: row.enabled_events,
    description: row.description,
    metadata: row.metadata,
    status: row.status,
    disabled_reason: row.disabled_reason,
    failing_since: row.failing_since?.toISOString() ?? null,
    previous_secret_expires_at: row.previous_secret_expires_at?.toISOString() ?? null,
    ...modeAndTimes(row),
  };
}
export type WebhookEndpointResource = ReturnType<typeof webhookEndpointResource>;
