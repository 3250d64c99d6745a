import type { DeliveryWithAttempts } from '../adapters/db/repos/webhook-deliveries-repo.js';
import { iso, modeAndTimes } from './object-times.js';

/** One event's delivery to one endpoint, with every attempt made (the delivery log). */
export function webhookDeliveryResource(row: DeliveryWithAttempts) {
  return {
    webhook_delivery_id: row.id,
    object: 'webhook_delivery' as const,
    webhook_endpoint_id: row.endpoint_id,
    event_id: row.event_id,
    event_type: row.event_type,
    status: row.status,
    attempt_count: row.attempt_count,
    next_attempt_at: row.status === 'pending' ? iso(row.next_attempt_at) : null,
    last_response_status: row.last_response_status,
    last_error: row.last_error,
    delivered_at: iso(row.delivered_at),
    attempts: row.attempts.map((a) => ({
      attempt: a.attempt,
      url: a.url,
      started_at: a.started_at.toISOString(),
      duration_ms: a.duration_ms,
      response_status: a.response_status,
      response_body: a.response_body,
      error: a.error,
    })),
    ...modeAndTimes(row),
  };
}
export type WebhookDeliveryResource = ReturnType<typeof webhookDeliveryResource>;
