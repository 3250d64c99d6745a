import type { Selectable } from 'kysely';
import type { ConsoleRole } from '../../domain/console-roles.js';
import type { Nullable, Timestamp, Timestamps } from './schema-columns.js';

export type { ConsoleRole };

export interface ConsoleUsersTable extends Timestamps {
  id: string;
  account_id: string;
  email: string;
  name: string | null;
  role: ConsoleRole;
  /** A support user's largest refund, in minor units; null: none. */
  refund_limit: Nullable<number>;
  /** argon2id; null until the invite is accepted. */
  password_hash: Nullable<string>;
  /** SHA-256 of the one-time invite token. */
  invite_token_hash: Nullable<string>;
  invite_expires_at: Nullable<Date>;
  disabled_at: Nullable<Date>;
}

export interface ConsoleSessionsTable {
  /** SHA-256 of the session cookie's token. */
  token_hash: string;
  user_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
}

export type ConsoleUserRow = Selectable<ConsoleUsersTable>;
export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;

/** Sign-in failures in a row of one email or one address (`domain/sign-in-backoff.ts`). */
export interface SignInFailuresTable {
  subject: 'email' | 'address';
  /** The email as typed (trimmed, lower-cased) or the client's address. */
  value: string;
  failures: number;
  last_failed_at: Timestamp;
  locked_until: Nullable<Date>;
}
