import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import {
  insertApiKey,
  listApiKeys as listApiKeyRows,
  revokeApiKey as revokeApiKeyRow,
  selectActiveApiKeyByHash,
  touchApiKey,
} from '../../adapters/db/repos/api-keys-repo.js';
import type { ApiKeyRow } from '../../adapters/db/schema.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import type { Mode, Tenant } from '../../domain/tenant.js';
import type { Deps } from '../shared/deps.js';
import { newId } from '../shared/ids.js';
import {
  generateSecretKey,
  hashSecretKey,
  isWellFormedSecretKey,
  redactSecretKey,
} from './secret-keys.js';

/** Who is calling: the tenant a secret key selects, and which key. */
export interface Caller extends Tenant {
  readonly keyId: string;
}

/** Last-used times are written at most this often per key, to keep reads cheap. */
const LAST_USED_RESOLUTION_MS = 60_000;

/** The caller a bearer secret identifies, or null for a missing, malformed or revoked key. */
export async function authenticate(deps: Deps, secret: string): Promise<Caller | null> {
  if (!isWellFormedSecretKey(secret)) return null;
  const key = await selectActiveApiKeyByHash(deps.db, hashSecretKey(secret));
  if (!key) return null;
  const now = deps.clock.now();
  const staleBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!key.last_used_at || key.last_used_at < staleBefore) {
    await touchApiKey(deps.db, key.id, now, staleBefore);
  }
  return { accountId: key.account_id, mode: key.mode, keyId: key.id };
}

/** A new API key row and its secret (the secret is returned once and never stored). */
export function mintApiKey({
  accountId,
  mode,
  name,
  now,
}: {
  readonly accountId: string;
  readonly mode: Mode;
  readonly name: string | null;
  readonly now: Date;
}): { row: ApiKeyRow; secret: string } {
  const secret = generateSecretKey(mode);
  const row: ApiKeyRow = {
    id: newId('key'),
    account_id: accountId,
    mode,
    name,
    key_hash: hashSecretKey(secret),
    redacted: redactSecretKey(secret),
    created_at: now,
    last_used_at: null,
    revoked_at: null,
  };
  return { row, secret };
}

/** A new secret key in the caller's mode; the secret is in the result once. */
export async function createApiKey(
  deps: Deps,
  tenant: Tenant,
  input: { readonly name?: string | undefined },
): Promise<{ row: ApiKeyRow; secret: string }> {
  const minted = mintApiKey({
    ...tenant,
    name: input.name ?? null,
    now: deps.clock.now(),
  });
  await insertApiKey(deps.db, minted.row);
  return minted;
}

export async function listApiKeys(
  deps: Deps,
  tenant: Tenant,
  page: PageRequest,
): Promise<Page<ApiKeyRow>> {
  return listApiKeyRows(deps.db, tenant.accountId, tenant.mode, page);
}

/** Revokes a key at once; revoking twice returns the key as it is. */
export async function revokeApiKey(
  deps: Deps,
  tenant: Tenant,
  id: string,
): Promise<Result<ApiKeyRow>> {
  const row = await revokeApiKeyRow(deps.db, tenant.accountId, tenant.mode, id, deps.clock.now());
  return row ? ok(row) : fail(missing('api key'));
}
