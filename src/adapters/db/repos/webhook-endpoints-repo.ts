import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database } from '../schema.js';
import type { WebhookEndpointRow } from '../schema-webhooks.js';
import { tableRows, type UpdateById } from '../table-rows.js';

const endpoints = tableRows('webhook_endpoints', {
  json: ['enabled_events', 'metadata'],
  live: true,
});

export const insertWebhookEndpoint = endpoints.insert;
export const selectWebhookEndpointById = endpoints.byId;
/** Reads an endpoint and locks it (its key stays free for deliveries referencing it). */
export const lockWebhookEndpointById = endpoints.lockById;

export type WebhookEndpointChanges = Partial<
  Omit<WebhookEndpointRow, 'id' | 'account_id' | 'mode' | 'created_at'>
> &
  Pick<WebhookEndpointRow, 'updated_at'>;

export const updateWebhookEndpoint: UpdateById<WebhookEndpointChanges> = endpoints.update;

export async function listWebhookEndpoints(
  db: Kysely<Database>,
  scope: Tenant,
  page: PageRequest,
): Promise<Page<WebhookEndpointRow>> {
  return fetchPage(endpoints.rows(db, scope), 'id', page);
}

/** The enabled endpoints subscribed to an event type (`*` subscribes to all). */
export async function selectSubscribedEndpoints(
  db: Kysely<Database>,
  scope: Tenant,
  eventType: string,
): Promise<WebhookEndpointRow[]> {
  return endpoints
    .rows(db, scope)
    .where('status', '=', 'enabled')
    .where(
      sql<boolean>`(enabled_events @> ${JSON.stringify(['*'])}::jsonb or enabled_events @> ${JSON.stringify([eventType])}::jsonb)`,
    )
    .orderBy('id')
    .execute();
}
