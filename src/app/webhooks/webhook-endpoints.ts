import type { Kysely } from 'kysely';
import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import {
  insertWebhookEndpoint,
  listWebhookEndpoints as listEndpointRows,
  lockWebhookEndpointById,
  selectWebhookEndpointById,
  updateWebhookEndpoint as updateEndpointRow,
} from '../../adapters/db/repos/webhook-endpoints-repo.js';
import type { Database } from '../../adapters/db/schema.js';
import type { WebhookEndpointRow } from '../../adapters/db/schema-webhooks.js';
import { fail, ok, type Result } from '../../domain/errors.js';
import { type Metadata, updatedMetadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import type { HostResolver } from '../../ports/host-resolver.js';
import type { TenantContext, Update } from '../shared/command-context.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import { readById } from '../shared/reads.js';
import type { SecretBox } from '../shared/secret-box.js';
import { type MetadataUpdate, withLockedRow } from '../shared/updates.js';
import { disableEndpoint, endDeliveriesOfDeleted } from './webhook-endpoint-state.js';
import {
  encryptionKeyMissing,
  mintWebhookSecret,
  ROTATION_OVERLAP_MS,
  sealWebhookSecret,
} from './webhook-secrets.js';
import { checkWebhookUrl } from './webhook-url-check.js';

/** What managing endpoints needs besides the database: sealing secrets, checking URLs. */
export interface WebhookServices {
  readonly secretBox: SecretBox | null;
  readonly resolver: HostResolver;
}

export interface CreateWebhookEndpointInput {
  readonly url: string;
  readonly enabled_events: readonly string[];
  readonly description?: string | null | undefined;
  readonly metadata?: Metadata | undefined;
}

export interface UpdateWebhookEndpointInput extends MetadataUpdate {
  readonly url?: string | undefined;
  readonly enabled_events?: readonly string[] | undefined;
  readonly description?: string | null | undefined;
  readonly disabled?: boolean | undefined;
}

/** What a command on the tenant's webhook endpoints is given: their services besides. */
export type WebhookContext = TenantContext & { readonly services: WebhookServices };

/** An endpoint with its signing secret, shown this once. */
export interface EndpointWithSecret {
  readonly endpoint: WebhookEndpointRow;
  readonly secret: string;
}

export async function createWebhookEndpoint(
  { deps, services, tenant }: WebhookContext,
  input: CreateWebhookEndpointInput,
): Promise<Result<EndpointWithSecret>> {
  const url = await checkWebhookUrl(services.resolver, tenant.mode, input.url);
  if (!url.ok) return url;
  if (!services.secretBox) return fail(encryptionKeyMissing);
  const now = deps.clock.now();
  const id = newId('we');
  const secret = mintWebhookSecret();
  const endpoint: WebhookEndpointRow = {
    id,
    account_id: tenant.accountId,
    mode: tenant.mode,
    url: url.value,
    enabled_events: [...input.enabled_events],
    description: input.description ?? null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    status: 'enabled',
    disabled_reason: null,
    secret: sealWebhookSecret(services.secretBox, tenant, { endpointId: id, secret }),
    previous_secret: null,
    previous_secret_expires_at: null,
    failing_since: null,
    created_at: now,
    updated_at: now,
    deleted_at: null,
  };
  await insertWebhookEndpoint(deps.db, endpoint);
  return ok({ endpoint, secret });
}

export const getWebhookEndpoint = readById('webhook_endpoint', selectWebhookEndpointById);

export async function listWebhookEndpoints(
  deps: Deps,
  tenant: Tenant,
  page: PageRequest,
): Promise<Page<WebhookEndpointRow>> {
  return listEndpointRows(deps.db, tenant, page);
}

/**
 * Changes the given fields. Disabling ends the pending deliveries; enabling again starts
 * afresh (no failure streak), with the events that happen from then on.
 */
export async function updateWebhookEndpoint(
  { deps, services, tenant }: WebhookContext,
  { id, changes: input }: Update<UpdateWebhookEndpointInput>,
): Promise<Result<WebhookEndpointRow>> {
  let url: string | undefined;
  if (input.url !== undefined) {
    const checked = await checkWebhookUrl(services.resolver, tenant.mode, input.url);
    if (!checked.ok) return checked;
    url = checked.value;
  }
  return withEndpoint(deps, tenant, id, async (tx, current) => {
    const merged = updatedMetadata(current.metadata, input.metadata, 'webhook_endpoint');
    if (!merged.ok) return merged;
    const metadata = merged.value;
    const now = deps.clock.now();
    const enabling = input.disabled === false && current.status === 'disabled';
    const changes = {
      url: url ?? current.url,
      enabled_events: input.enabled_events ? [...input.enabled_events] : current.enabled_events,
      description: input.description === undefined ? current.description : input.description,
      metadata,
      ...(enabling
        ? { status: 'enabled' as const, disabled_reason: null, failing_since: null }
        : {}),
      updated_at: now,
    };
    await updateEndpointRow(tx, tenant, id, changes);
    let next: WebhookEndpointRow = { ...current, ...changes };
    if (input.disabled === true && current.status === 'enabled') {
      next = await disableEndpoint(tx, tenant, { endpoint: next, reason: 'requested', now });
    }
    return ok(next);
  });
}

/** Work on one of the tenant's endpoints under its lock (a missing one is a 404). */
function withEndpoint<T>(
  deps: Deps,
  tenant: Tenant,
  id: string,
  work: (tx: Kysely<Database>, current: WebhookEndpointRow) => Promise<Result<T>>,
): Promise<Result<T>> {
  return withLockedRow(deps, 'webhook_endpoint', lockWebhookEndpointById, [tenant, id], work);
}

/** Deletes an endpoint: nothing more is sent to it, and then it is a 404. */
export async function deleteWebhookEndpoint(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<WebhookEndpointRow>> {
  return withEndpoint(deps, tenant, id, async (tx, current) => {
    const now = deps.clock.now();
    await updateEndpointRow(tx, tenant, id, { deleted_at: now, updated_at: now });
    await endDeliveriesOfDeleted(tx, tenant, { endpointId: id, now });
    return ok({ ...current, deleted_at: now, updated_at: now });
  });
}

/**
 * A new signing secret, shown this once. The one it replaces keeps signing alongside it
 * for 24 hours, so receivers can switch without missing a delivery.
 */
export async function rotateWebhookEndpointSecret(
  { deps, services, tenant }: WebhookContext,
  { id }: { readonly id: string },
): Promise<Result<EndpointWithSecret>> {
  return withEndpoint(deps, tenant, id, async (tx, current) => {
    if (!services.secretBox) return fail(encryptionKeyMissing);
    const now = deps.clock.now();
    const secret = mintWebhookSecret();
    const changes = {
      secret: sealWebhookSecret(services.secretBox, tenant, { endpointId: id, secret }),
      previous_secret: current.secret,
      previous_secret_expires_at: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      updated_at: now,
    };
    await updateEndpointRow(tx, tenant, id, changes);
    return ok({ endpoint: { ...current, ...changes }, secret });
  });
}
