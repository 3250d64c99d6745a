import type { Selectable } from 'kysely';
import type {
  RecoveryLinkSource,
  RecoveryLinkStatus,
} from '../../domain/recovery-links/recovery-link-values.js';
import type { Mode } from '../../domain/tenant.js';
import type { MetadataAndTimestamps, Nullable, TenantColumns } from './schema-columns.js';

/** A recovery link (migration 0025): what it collects is its order's balance, read with it. */
export interface RecoveryLinksTable extends TenantColumns, MetadataAndTimestamps {
  order_id: string;
  status: RecoveryLinkStatus;
  /** The unguessable token of its hosted page (`/recover/<token>`). */
  token: string;
  source: RecoveryLinkSource;
  /** What automatic recovery made it for (a `cs_` or `pi_` id); null when made by hand. */
  source_id: string | null;
  expires_at: Nullable<Date>;
  completed_at: Nullable<Date>;
  expired_at: Nullable<Date>;
  deactivated_at: Nullable<Date>;
}

/** Whether Flint recovers an account's abandoned balances by itself, per mode. */
export interface RecoverySettingsTable {
  account_id: string;
  mode: Mode;
  automatic_recovery: boolean;
}

export type RecoveryLinkRow = Selectable<RecoveryLinksTable>;
