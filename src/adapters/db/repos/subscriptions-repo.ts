import { type Kysely, sql } from 'kysely';
import type {
  InvoiceRetriesExhaustedOutcome,
  MissingMethodOutcome,
  RetriesExhaustedOutcome,
  SubscriptionStatus,
} from '../../../domain/subscriptions/subscription-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { SubscriptionPeriodRow, SubscriptionRow } from '../schema-subscriptions.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';

const subscriptions = tableRows('subscriptions', {
  json: ['items', 'pause_collection', 'coupon', 'metadata', 'pending_lines'],
  filters: { customer_id: 'customer_id', status: 'status' },
});

/** The insert of a new subscription, to run with its event. */
export const insertSubscriptionQuery = subscriptions.insertQuery;
export const selectSubscriptionById = subscriptions.byId;
/** Reads a subscription and locks it until the transaction ends. */
export const lockSubscriptionById = subscriptions.lockById;
/** The update of a subscription, to run with its event. */
export const updateSubscriptionQuery = subscriptions.updateQuery;

export interface SubscriptionFilter {
  readonly customer_id?: string | undefined;
  readonly status?: SubscriptionStatus | undefined;
}
export const listSubscriptions: ListRows<SubscriptionFilter, SubscriptionRow> = subscriptions.list;

/**
 * Records that a period is billed: one row per subscription and period index, so a second
 * attempt to bill it (another worker, a retry after a crash) inserts nothing. True when
 * this call made it.
 */
export async function claimSubscriptionPeriod(
  db: Kysely<Database>,
  row: SubscriptionPeriodRow,
): Promise<boolean> {
  const inserted = await db
    .insertInto('subscription_periods')
    .values(row)
    .onConflict((oc) => oc.columns(['subscription_id', 'period_index']).doNothing())
    .returning('period_index')
    .executeTakeFirst();
  return inserted !== undefined;
}

export function selectSubscriptionPeriod(
  db: Kysely<Database>,
  tenant: Tenant,
  key: { readonly subscriptionId: string; readonly index: number },
): Promise<SubscriptionPeriodRow | undefined> {
  return db
    .selectFrom('subscription_periods')
    .selectAll()
    .$call(scoped(tenant))
    .where('subscription_id', '=', key.subscriptionId)
    .where('period_index', '=', key.index)
    .executeTakeFirst();
}

export interface SubscriptionSettings {
  readonly retry_days: readonly number[];
  readonly after_retries: RetriesExhaustedOutcome;
  readonly invoice_after_retries: InvoiceRetriesExhaustedOutcome;
  readonly missing_payment_method: MissingMethodOutcome;
  readonly trial_will_end_days: number;
  readonly upcoming_days: number;
}

export const DEFAULT_SUBSCRIPTION_SETTINGS: SubscriptionSettings = {
  retry_days: [1, 3, 5, 7],
  after_retries: 'canceled',
  invoice_after_retries: 'open',
  missing_payment_method: 'cancel',
  trial_will_end_days: 3,
  upcoming_days: 7,
};

/** The account's subscription settings in one mode (the defaults until it sets any). */
export async function selectSubscriptionSettings(
  db: Kysely<Database>,
  tenant: Tenant,
): Promise<SubscriptionSettings> {
  const row = await db
    .selectFrom('subscription_settings')
    .select([
      'retry_days',
      'after_retries',
      'invoice_after_retries',
      'missing_payment_method',
      'trial_will_end_days',
      'upcoming_days',
    ])
    .$call(scoped(tenant))
    .executeTakeFirst();
  return row ?? DEFAULT_SUBSCRIPTION_SETTINGS;
}

/**
 * `lockSubscriptionById` with its account's subscription settings (the defaults until it
 * sets any), read in the same statement: a renewal needs both, and one round trip less.
 */
export async function lockSubscriptionWithSettings(
  db: Kysely<Database>,
  tenant: Tenant,
  id: string,
): Promise<{ row: SubscriptionRow; settings: SubscriptionSettings } | undefined> {
  const found = await subscriptions
    .rows(db, tenant)
    .select(
      sql<SubscriptionSettings | string | null>`(select json_build_object(
        'retry_days', s.retry_days, 'after_retries', s.after_retries,
        'invoice_after_retries', s.invoice_after_retries,
        'missing_payment_method', s.missing_payment_method,
        'trial_will_end_days', s.trial_will_end_days, 'upcoming_days', s.upcoming_days)
        from subscription_settings s
        where s.account_id = subscriptions.account_id and s.mode = subscriptions.mode)`.as(
        'settings_json',
      ),
    )
    .where('id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
  if (!found) return undefined;
  const { settings_json, ...row } = found as typeof found & { settings_json: unknown };
  const settings =
    settings_json === null
      ? DEFAULT_SUBSCRIPTION_SETTINGS
      : ((typeof settings_json === 'string'
          ? JSON.parse(settings_json)
          : settings_json) as SubscriptionSettings);
  return { row: row as SubscriptionRow, settings };
}

export async function upsertSubscriptionSettings(
  db: Kysely<Database>,
  tenant: Tenant,
  settings: SubscriptionSettings,
): Promise<void> {
  const values = { ...settings, retry_days: JSON.stringify(settings.retry_days) };
  await db
    .insertInto('subscription_settings')
    .values({ account_id: tenant.accountId, mode: tenant.mode, ...values })
    .onConflict((oc) => oc.columns(['account_id', 'mode']).doUpdateSet(values))
    .execute();
}

/** The subscription a create request made, by its Idempotency-Key. */
export function selectSubscriptionByRequestKey(
  db: Kysely<Database>,
  tenant: Tenant,
  requestKey: string,
): Promise<SubscriptionRow | undefined> {
  return subscriptions
    .rows(db, tenant)
    .where('request_key', '=', requestKey)
    .executeTakeFirst() as Promise<SubscriptionRow | undefined>;
}
