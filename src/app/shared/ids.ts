import { randomBytes } from 'node:crypto';
import { typeid } from 'typeid-js';
import type { Tenant } from '../../domain/tenant.js';

/** Every id prefix Flint issues. */
export type IdPrefix =
  | 'acct'
  | 'key'
  | 'cus'
  | 'prod'
  | 'price'
  | 'txr'
  | 'cpn'
  | 'ord'
  | 'li'
  | 'pi'
  | 'ch'
  | 're'
  | 'cs'
  | 'plink'
  | 'inv'
  | 'rl'
  | 'ret'
  | 'si'
  | 'pm'
  | 'plan'
  | 'planv'
  | 'sub'
  | 'evt'
  | 'we'
  | 'wdl'
  | 'app'
  | 'cu'
  | 'req'
  | 'inst'
  | 'em'
  | 'job'
  | 'clock'
  | 'cbtxn';

/** A new prefixed, time-sortable, lowercase id (TypeID), e.g. `cus_01kbjcmbt5mhsmaggfqc1a4rns`. */
export function newId(prefix: IdPrefix): string {
  return typeid(prefix).toString();
}

/** What a new row of the tenant starts with: a new id, the tenant's account and mode. */
export function newOwnedRow(prefix: IdPrefix, tenant: Tenant) {
  return { id: newId(prefix), account_id: tenant.accountId, mode: tenant.mode };
}

/** The shape of an id with the given prefix, for schema patterns. */
export function idPattern(prefix: IdPrefix): string {
  return `^${prefix}_[0-7][0-9a-hjkmnp-tv-z]{25}$`;
}

/**
 * An unguessable token for a hosted page's address (an invoice's page, a recovery link):
 * 192 random bits, base64url (32 characters).
 */
export function newPageToken(): string {
  return randomBytes(24).toString('base64url');
}

/** What `newPageToken` makes: an address's token is checked against it before any read. */
export const PAGE_TOKEN = /^[A-Za-z0-9_-]{32}$/;
