import type { ColumnType } from 'kysely';
import type { Mode } from '../../domain/tenant.js';

// The column types the table interfaces share, and the column groups every tenant table
// repeats (the ones `migrations/columns.ts` creates).

/** Timestamps are written from the clock port and read back as Dates. */
export type Timestamp = ColumnType<Date, Date, Date>;
export type Json<T> = ColumnType<T, string, string>;
export type Nullable<T> = ColumnType<T | null, T | null, T | null>;

/** A tenant table's first columns: its id, its account and its mode. */
export interface TenantColumns {
  id: string;
  account_id: string;
  mode: Mode;
}

export interface Timestamps {
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The merchant's metadata and the timestamps: how most tables end. */
export interface MetadataAndTimestamps extends Timestamps {
  metadata: Json<Record<string, string>>;
}
