import { type Kysely, sql } from 'kysely';
import type { Tenant } from '../../../domain/tenant.js';
import { fetchPage, type Page, type PageRequest } from '../pagination.js';
import type { Database } from '../schema.js';
import type { WebhookEndpointRow } from '../schema-webhooks.js';
import { scoped } from '../scoped.js';

/** The JSON columns as text, the way the drivers take them. */
function endpointValues<T extends Partial<WebhookEndpointRow>>(row: T) {
  const { enabled_events, metadata, ...rest } = row;
  return {
    ...rest,
    ...(enabled_events === undefined ? {} : { enabled_events: JSON.stringify(enabled_events) }),
    ...(metadata === undefined ? {} : { metadata: JSON.stringify(metadata) }),
  };
}

export async function insertWebhookEndpoint(
  db: Kysely<Database>,
  row: WebhookEndpointRow,
): Promise<void> {
  await db
    .insertInto('webhook_endpoints')
    .values({
      ...row,
      enabled_events: JSON.stringify(row.enabled_events),
      metadata: JSON.stringify(row.metadata),
    })
    .execute();
}

function endpoints(db: Kysely<Database>, scope: Tenant) {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .$call(scoped(scope))
    .where('deleted_at', 'is', null);
}

export async function selectWebhookEndpointById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  return endpoints(db, scope).where('id', '=', id).executeTakeFirst();
}

/** Reads an endpoint and locks it (its key stays free for deliveries referencing it). */
export async function lockWebhookEndpointById(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
): Promise<WebhookEndpointRow | undefined> {
  return endpoints(db, scope).where('id', '=', id).forNoKeyUpdate().executeTakeFirst();
}

export type WebhookEndpointChanges = Partial<
  Omit<WebhookEndpointRow, 'id' | 'account_id' | 'mode' | 'created_at'>
> &
  Pick<WebhookEndpointRow, 'updated_at'>;

export async function updateWebhookEndpoint(
  db: Kysely<Database>,
  scope: Tenant,
  id: string,
  changes: WebhookEndpointChanges,
): Promise<void> {
  await db
    .updateTable('webhook_endpoints')
    .set(endpointValues(changes))
    .$call(scoped(scope))
    .where('id', '=', id)
    .execute();
}

export async function listWebhookEndpoints(
  db: Kysely<Database>,
  scope: Tenant,
  page: PageRequest,
): Promise<Page<WebhookEndpointRow>> {
  return fetchPage(endpoints(db, scope), 'id', page);
}

/** The enabled endpoints subscribed to an event type (`*` subscribes to all). */
export async function selectSubscribedEndpoints(
  db: Kysely<Database>,
  scope: Tenant,
  eventType: string,
): Promise<WebhookEndpointRow[]> {
  return endpoints(db, scope)
    .where('status', '=', 'enabled')
    .where(
      sql<boolean>`(enabled_events @> ${JSON.stringify(['*'])}::jsonb or enabled_events @> ${JSON.stringify([eventType])}::jsonb)`,
    )
    .orderBy('id')
    .execute();
}
