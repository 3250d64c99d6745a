import type { Selectable } from 'kysely';
import type {
  WebhookDeliveryStatus,
  WebhookDisabledReason,
  WebhookEndpointStatus,
} from '../../domain/value-lists.js';
import type { Json, Nullable, TenantColumns, Timestamp, Timestamps } from './schema-columns.js';

export type { WebhookDeliveryStatus, WebhookDisabledReason, WebhookEndpointStatus };

export interface WebhookEndpointsTable extends TenantColumns, Timestamps {
  url: string;
  /** Event types, or `["*"]` for every type. */
  enabled_events: Json<string[]>;
  description: string | null;
  metadata: Json<Record<string, string>>;
  status: WebhookEndpointStatus;
  disabled_reason: Nullable<WebhookDisabledReason>;
  /** Sealed with secret-box.ts; opened only to sign a delivery. */
  secret: string;
  /** The secret before the last rotation, signing alongside until it expires. */
  previous_secret: Nullable<string>;
  previous_secret_expires_at: Nullable<Date>;
  /** Since when every attempt has failed (null after a success). */
  failing_since: Nullable<Date>;
  deleted_at: Nullable<Date>;
}

/** One event to one endpoint; attempted until delivered or the schedule runs out. */
export interface WebhookDeliveriesTable extends TenantColumns, Timestamps {
  endpoint_id: string;
  event_id: string;
  status: WebhookDeliveryStatus;
  attempt_count: number;
  next_attempt_at: Nullable<Date>;
  /** The lease of the worker sending it now; once past, another worker may take it over. */
  locked_until: Nullable<Date>;
  last_response_status: Nullable<number>;
  last_error: Nullable<string>;
  delivered_at: Nullable<Date>;
}

export interface WebhookDeliveryAttemptsTable {
  delivery_id: string;
  attempt: number;
  url: string;
  started_at: Timestamp;
  duration_ms: number;
  response_status: Nullable<number>;
  /** The start of the response body, for the delivery log. */
  response_body: Nullable<string>;
  error: Nullable<string>;
}

export type WebhookEndpointRow = Selectable<WebhookEndpointsTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type WebhookDeliveryAttemptRow = Selectable<WebhookDeliveryAttemptsTable>;
