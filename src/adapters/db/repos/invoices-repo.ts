import { type Kysely, sql } from 'kysely';
import { DEFAULT_NUMBER_PREFIX } from '../../../domain/invoices/invoice-amounts.js';
import { NO_REMINDERS, type ReminderSchedule } from '../../../domain/invoices/invoice-reminders.js';
import type { InvoiceStatus } from '../../../domain/invoices/invoice-values.js';
import type { Tenant } from '../../../domain/tenant.js';
import type { Database } from '../schema.js';
import type { InvoiceRow } from '../schema-invoices.js';
import { scoped } from '../scoped.js';
import { type ListRows, tableRows } from '../table-rows.js';

/** The unique index that keeps one invoice (not voided) per order, from migration 0019. */
const ORDER_INDEX = 'invoices_order_live';

const invoices = tableRows('invoices', {
  json: ['customer_details', 'seller_details', 'metadata'],
  filters: {
    status: 'status',
    order_id: 'order_id',
    customer_id: 'customer_id',
    subscription_id: 'subscription_id',
  },
});

/** The insert of a new invoice, to run with its event. */
export const insertInvoiceQuery = invoices.insertQuery;
export const selectInvoiceById = invoices.byId;
/** Reads an invoice and locks its row until the transaction ends. */
export const lockInvoiceById = invoices.lockById;
/** The update of an invoice, to run with its event. */
export const updateInvoiceQuery = invoices.updateQuery;

export interface InvoiceFilter {
  readonly status?: InvoiceStatus | undefined;
  readonly order_id?: string | undefined;
  readonly customer_id?: string | undefined;
  /** A subscription's invoices (the console's subscription page; not an API filter). */
  readonly subscription_id?: string | undefined;
}
export const listInvoices: ListRows<InvoiceFilter, InvoiceRow> = invoices.list;

/**
 * Whether a driver error is the unique violation of "one invoice per order" (pg and PGlite
 * both report SQLSTATE 23505; matched on `.code`, never with instanceof).
 */
export function isOrderInvoiced(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, constraint } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || constraint === ORDER_INDEX);
}

/** The totals of the tenant's orders among `ids`: what invoice amounts are read from. */
export async function selectOrderTotals(db: Kysely<Database>, tenant: Tenant, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .selectFrom('orders')
    .select(['id', 'currency', 'customer_id', 'total', 'paid', 'refunded', 'balance', 'status'])
    .$call(scoped(tenant))
    .where('id', 'in', ids)
    .execute();
}

/**
 * The statuses whose invoice freezes its order's lines: once it is finalized (or waits
 * for approval of the amounts), what it bills can no longer change.
 */
const FREEZING: readonly InvoiceStatus[] = ['awaiting_approval', 'open', 'paid', 'uncollectible'];

/** The invoice that freezes the order, if any; read under the order's lock. */
export async function selectFreezingInvoice(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<Pick<InvoiceRow, 'id' | 'status'> | undefined> {
  return db
    .selectFrom('invoices')
    .select(['id', 'status'])
    .$call(scoped(tenant))
    .where('order_id', '=', orderId)
    .where('status', 'in', [...FREEZING])
    .executeTakeFirst();
}

/** The account's invoice settings in this mode (the defaults until it sets any). */
export async function selectInvoiceSettings(db: Kysely<Database>, tenant: Tenant) {
  const row = await db
    .selectFrom('invoice_settings')
    .select(['number_prefix', 'approval_required', 'time_zone', 'reminders', 'auto_send'])
    .$call(scoped(tenant))
    .executeTakeFirst();
  return (
    row ?? {
      number_prefix: DEFAULT_NUMBER_PREFIX,
      approval_required: false,
      time_zone: 'UTC',
      reminders: NO_REMINDERS,
      auto_send: false,
    }
  );
}

/** What an account sets of its invoice settings (its counter is the finalizations'). */
export interface InvoiceSettingsColumns {
  readonly number_prefix: string;
  readonly approval_required: boolean;
  readonly time_zone: string;
  readonly reminders: ReminderSchedule;
  readonly auto_send: boolean;
}

/** Sets the account's invoice settings in this mode (its counter stays as it is). */
export async function upsertInvoiceSettings(
  db: Kysely<Database>,
  tenant: Tenant,
  settings: InvoiceSettingsColumns,
): Promise<void> {
  const columns = { ...settings, reminders: JSON.stringify(settings.reminders) };
  await db
    .insertInto('invoice_settings')
    .values({ account_id: tenant.accountId, mode: tenant.mode, ...columns, last_number: 0 })
    .onConflict((oc) => oc.columns(['account_id', 'mode']).doUpdateSet(columns))
    .execute();
}

/**
 * Takes the next invoice number of the account and mode, in one statement: the counter
 * row is made on first use and incremented otherwise. Its row stays locked until the
 * finalizing transaction ends, so numbers are given in commit order and a rollback gives
 * its number back: no gaps.
 */
export async function takeInvoiceNumber(
  tx: Kysely<Database>,
  tenant: Tenant,
): Promise<{ readonly prefix: string; readonly sequence: number }> {
  const row = await tx
    .insertInto('invoice_settings')
    .values({
      account_id: tenant.accountId,
      mode: tenant.mode,
      number_prefix: DEFAULT_NUMBER_PREFIX,
      last_number: 1,
      approval_required: false,
    })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'mode'])
        .doUpdateSet({ last_number: sql`invoice_settings.last_number + 1` }),
    )
    .returning(['number_prefix', 'last_number'])
    .executeTakeFirstOrThrow();
  return { prefix: row.number_prefix, sequence: Number(row.last_number) };
}

/**
 * The order's invoice a payment of the order settles (open or uncollectible), locked until
 * the transaction ends; read under the order's lock. One lookup on the `order_live` index.
 */
export async function lockPayableInvoiceOfOrder(
  db: Kysely<Database>,
  tenant: Tenant,
  orderId: string,
): Promise<InvoiceRow | undefined> {
  return db
    .selectFrom('invoices')
    .selectAll()
    .$call(scoped(tenant))
    .where('order_id', '=', orderId)
    .where('status', 'in', ['open', 'uncollectible'])
    .forNoKeyUpdate()
    .executeTakeFirst() as Promise<InvoiceRow | undefined>;
}

/**
 * An invoice by its hosted page's token alone, whatever its account: the page's URL is
 * the capability (as a checkout session's id is), and the row names its account and mode.
 * Found on the token's unique index.
 */
export async function selectInvoiceByHostedToken(
  db: Kysely<Database>,
  token: string,
): Promise<InvoiceRow | undefined> {
  return db.selectFrom('invoices').selectAll().where('hosted_token', '=', token).executeTakeFirst();
}
