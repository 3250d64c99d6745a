import type { ColumnType, Insertable, Selectable } from 'kysely';

/** Timestamps are written from the clock port and read back as Dates. */
type Timestamp = ColumnType<Date, Date, Date>;
type Json<T> = ColumnType<T, string, string>;

import type { Mode } from '../../domain/tenant.js';

export type { Mode };

export interface AccountsTable {
  id: string;
  name: string;
  default_currency: string;
  metadata: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  mode: Mode;
  name: string | null;
  key_hash: string;
  redacted: string;
  created_at: Timestamp;
  last_used_at: ColumnType<Date | null, Date | null, Date | null>;
  revoked_at: ColumnType<Date | null, Date | null, Date | null>;
}

export interface CustomersTable {
  id: string;
  account_id: string;
  mode: Mode;
  email: string | null;
  name: string | null;
  phone: string | null;
  description: string | null;
  metadata: Json<Record<string, string>>;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: ColumnType<Date | null, Date | null, Date | null>;
}

export interface IdempotencyKeysTable {
  account_id: string;
  mode: Mode;
  key: string;
  fingerprint: string;
  state: 'in_flight' | 'completed';
  response_status: number | null;
  response_body: string | null;
  created_at: Timestamp;
  locked_at: Timestamp;
  expires_at: Timestamp;
}

export interface SettingsTable {
  key: string;
  value: string;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  customers: CustomersTable;
  idempotency_keys: IdempotencyKeysTable;
  settings: SettingsTable;
}

export type AccountRow = Selectable<AccountsTable>;
export type ApiKeyRow = Selectable<ApiKeysTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeysTable>;
export type NewCustomer = Insertable<CustomersTable>;
