import type { Kysely } from 'kysely';
import { type Write, writeAsOne } from '../../adapters/db/one-statement.js';
import type { Page, PageRequest } from '../../adapters/db/pagination.js';
import {
  insertBalanceTransactionQuery,
  listBalanceTransactions,
  lockBalanceTransactionById,
  selectBalanceTransactionById,
  selectCreditHeldByOrder,
  updateBalanceTransactionQuery,
} from '../../adapters/db/repos/customer-balance-repo.js';
import {
  lockCustomerById,
  selectCustomerById,
  updateCustomerBalanceQuery,
} from '../../adapters/db/repos/customers-repo.js';
import { insertEventsQuery } from '../../adapters/db/repos/events-repo.js';
import type { CustomerRow, Database } from '../../adapters/db/schema.js';
import type { CustomerBalanceTransactionRow } from '../../adapters/db/schema-test-clocks.js';
import { transact } from '../../adapters/db/transact.js';
import { normalizeCurrency } from '../../domain/currency.js';
import {
  applyEntry,
  type BalanceTransactionType,
  creditToTake,
} from '../../domain/customer-balance/balance-rules.js';
import { fail, missing, ok, type Result } from '../../domain/errors.js';
import { type Metadata, withoutEmptyValues } from '../../domain/metadata.js';
import type { Tenant } from '../../domain/tenant.js';
import { customerResource } from '../../resources/customer.js';
import { customerBalanceTransactionResource } from '../../resources/customer-balance-transaction.js';
import { type Actor, objectEvent, SYSTEM_ACTOR } from '../events/record-events.js';
import type { AnswerOption } from '../shared/answer-once.js';
import type { ChangeContext, ListInput, TenantContext, Update } from '../shared/command-context.js';
import { newOwnedRow } from '../shared/ids.js';
import { readById } from '../shared/reads.js';
import { type MetadataUpdate, updateById } from '../shared/updates.js';
import { clockOf } from '../test-clocks/clock-time.js';

// A customer's credit balance (CONVENTIONS, "Customer balance"): changed only by a balance
// transaction, written with the customer's new balance under its row lock, with
// `customer_balance_transaction.created` and `customer.updated`. The balance is always the
// sum of its transactions; credit is taken by orders (`takeCustomerCreditIn`) before any
// charge.

/** A balance transaction to write, in the caller's transaction. */
export interface BalanceTransactionInput {
  readonly customerId: string;
  /** Added to the balance: negative credits the customer, positive debits. */
  readonly amount: number;
  readonly currency: string;
  readonly type: BalanceTransactionType;
  readonly description?: string | null | undefined;
  readonly orderId?: string | null | undefined;
  readonly invoiceId?: string | null | undefined;
  readonly metadata?: Metadata | undefined;
  readonly now: Date;
  /** Who made it (the event's author): Flint itself when absent. */
  readonly actor?: Actor | undefined;
  /** The request's answer, written with the transaction. */
  readonly answer?:
    | ((tx: Kysely<Database>, row: CustomerBalanceTransactionRow) => Write)
    | undefined;
}

/** What a balance transaction wrote: itself, and the customer as it now is. */
export interface BalanceChange {
  readonly transaction: CustomerBalanceTransactionRow;
  readonly customer: CustomerRow;
}

/**
 * Writes a balance transaction and the customer's new balance, under the customer's lock,
 * in the caller's transaction (`tx`), with its events. Refused: a missing customer, another
 * currency than the balance's (`422 currency_mismatch`), a zero amount, a balance beyond
 * the largest amount.
 */
export async function addBalanceTransactionIn(
  tx: Kysely<Database>,
  tenant: Tenant,
  input: BalanceTransactionInput,
): Promise<Result<BalanceChange>> {
  const customer = await lockCustomerById(tx, tenant, input.customerId);
  if (!customer) return fail({ ...missing('customer'), loc: ['customer_id'] });
  const next = applyEntry(customer, input);
  if (!next.ok) return next;
  const { now } = input;
  const transaction: CustomerBalanceTransactionRow = {
    ...newOwnedRow('cbtxn', tenant),
    customer_id: customer.id,
    amount: input.amount,
    currency: next.value.currency as string,
    type: input.type,
    ending_balance: next.value.balance,
    description: input.description ?? null,
    order_id: input.orderId ?? null,
    invoice_id: input.invoiceId ?? null,
    metadata: withoutEmptyValues(input.metadata ?? {}),
    created_at: now,
    updated_at: now,
  };
  const changes = { balance: next.value.balance, currency: next.value.currency, updated_at: now };
  const after: CustomerRow = { ...customer, ...changes };
  const author = { tenant, actor: input.actor ?? SYSTEM_ACTOR };
  await writeAsOne(tx, [
    insertBalanceTransactionQuery(tx, transaction),
    updateCustomerBalanceQuery(tx, tenant, customer.id, changes),
    insertEventsQuery(tx, [
      objectEvent(author, {
        type: 'customer_balance_transaction.created',
        objectType: 'customer_balance_transaction',
        objectId: transaction.id,
        object: customerBalanceTransactionResource(transaction),
        now,
      }),
      objectEvent(author, {
        type: 'customer.updated',
        objectType: 'customer',
        objectId: customer.id,
        object: customerResource(after),
        previous: customerResource(customer),
        now,
      }),
    ]),
    ...(input.answer ? [input.answer(tx, transaction)] : []),
  ]);
  return ok({ transaction, customer: after });
}

/** What another capability's order takes from a customer's credit, in its transaction. */
export interface TakeCreditInput {
  readonly customerId: string;
  readonly currency: string;
  /** At most this much (what the order comes to). */
  readonly upTo: number;
  readonly orderId: string;
  readonly invoiceId?: string | null | undefined;
  readonly description?: string | undefined;
  readonly now: Date;
  /** The customer, when the caller has locked it in this transaction: not locked again. */
  readonly locked?: CustomerRow | undefined;
}

/**
 * Takes min(the customer's credit in `currency`, `upTo`) for an order, under the customer's
 * lock, in the caller's transaction: writes an `applied_to_order` transaction (a positive
 * amount: the credit used) and answers the amount taken — 0, writing nothing, when the
 * customer has no credit in that currency (or does not exist).
 */
export async function takeCustomerCreditIn(
  tx: Kysely<Database>,
  tenant: Tenant,
  input: TakeCreditInput,
): Promise<number> {
  const customer =
    input.locked?.id === input.customerId
      ? input.locked
      : await lockCustomerById(tx, tenant, input.customerId);
  if (!customer) return 0;
  const taken = creditToTake(customer, input.currency, input.upTo);
  if (taken === 0) return 0;
  const written = await addBalanceTransactionIn(tx, tenant, {
    customerId: customer.id,
    amount: taken,
    currency: input.currency,
    type: 'applied_to_order',
    description: input.description ?? `Applied to order ${input.orderId}`,
    orderId: input.orderId,
    invoiceId: input.invoiceId,
    now: input.now,
  });
  if (!written.ok) throw new Error(`credit of ${customer.id}: ${written.error.message}`);
  return taken;
}

/** Credit given to a customer by another capability (unused time, an order's credit back). */
export interface AddCreditInput {
  readonly customerId: string;
  /** Positive: credit to the customer (its balance goes down by it). */
  readonly amount: number;
  readonly currency: string;
  readonly type: BalanceTransactionType;
  readonly description: string;
  readonly orderId?: string | null | undefined;
  readonly now: Date;
}

/** Credits the customer's balance in the caller's transaction (see `addBalanceTransactionIn`). */
export function addCustomerCreditIn(
  tx: Kysely<Database>,
  tenant: Tenant,
  input: AddCreditInput,
): Promise<Result<BalanceChange>> {
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new Error(`a credit is a positive amount: ${input.amount}`);
  }
  return addBalanceTransactionIn(tx, tenant, {
    customerId: input.customerId,
    amount: -input.amount,
    currency: input.currency,
    type: input.type,
    description: input.description,
    orderId: input.orderId,
    now: input.now,
  });
}

/**
 * A canceled order gives back the credit it took from its customer's balance (as Stripe's
 * `unapplied_from_invoice`): one `unapplied_from_order` transaction for what its
 * `applied_to_order` ones hold, in the caller's transaction (which holds the order's lock).
 * Answers the amount given back (0: it held none).
 */
export async function giveBackOrderCreditIn(
  tx: Kysely<Database>,
  tenant: Tenant,
  p: {
    readonly orderId: string;
    readonly customerId: string;
    readonly currency: string;
    readonly now: Date;
  },
): Promise<Result<number>> {
  const held = await selectCreditHeldByOrder(tx, tenant, p.orderId);
  if (held <= 0) return ok(0);
  const added = await addCustomerCreditIn(tx, tenant, {
    customerId: p.customerId,
    amount: held,
    currency: p.currency,
    type: 'unapplied_from_order',
    description: `Given back by canceled order ${p.orderId}`,
    orderId: p.orderId,
    now: p.now,
  });
  return added.ok ? ok(held) : added;
}

/** What the API's balance transaction gives. */
export interface CreateBalanceTransactionInput {
  readonly amount: number;
  readonly currency: string;
  readonly description?: string | null | undefined;
  readonly metadata?: Metadata | undefined;
}

/**
 * The merchant's adjustment of a customer's balance (`POST /v1/customers/{id}/
 * balance_transactions`): a negative amount credits the customer, a positive one debits.
 * Stamped in the customer's time (its test clock's, if any).
 */
export async function createBalanceTransaction(
  ctx: ChangeContext,
  {
    customerId,
    input,
  }: { readonly customerId: string; readonly input: CreateBalanceTransactionInput },
  { answer }: AnswerOption<CustomerBalanceTransactionRow> = {},
): Promise<Result<CustomerBalanceTransactionRow>> {
  const { deps, tenant, actor } = ctx;
  const customer = await selectCustomerById(deps.db, tenant, customerId);
  if (!customer) return fail(missing('customer'));
  const currency = normalizeCurrency(input.currency);
  if (!currency) {
    const loc = ['customer_balance_transaction', 'currency'];
    return fail({ code: 'parameter_invalid', message: `Unknown currency: ${input.currency}`, loc });
  }
  const now = (await clockOf(deps, tenant, customer.test_clock_id)).now();
  const made = await transact(deps.db, (tx) =>
    addBalanceTransactionIn(tx, tenant, {
      customerId,
      amount: input.amount,
      currency,
      type: 'adjustment',
      description: input.description,
      metadata: input.metadata,
      now,
      actor,
      answer,
    }),
  );
  return made.ok ? ok(made.value.transaction) : made;
}

export const getBalanceTransaction = readById(
  'customer balance transaction',
  selectBalanceTransactionById,
);

/** A customer's balance transactions, newest first (404 for a customer it does not have). */
export async function listCustomerBalanceTransactions(
  ctx: TenantContext,
  { filter, page }: ListInput<{ readonly customer_id: string }>,
): Promise<Result<Page<CustomerBalanceTransactionRow>>> {
  const { deps, tenant } = ctx;
  if (!(await selectCustomerById(deps.db, tenant, filter.customer_id))) {
    return fail(missing('customer'));
  }
  return ok(await listBalanceTransactions(deps.db, tenant, filter, page));
}

/** The account's balance transactions, newest first, optionally of one customer. */
export function listAllBalanceTransactions(
  ctx: TenantContext,
  {
    filter,
    page,
  }: { readonly filter: { readonly customer_id?: string | undefined }; readonly page: PageRequest },
): Promise<Page<CustomerBalanceTransactionRow>> {
  return listBalanceTransactions(ctx.deps.db, ctx.tenant, filter, page);
}

export interface UpdateBalanceTransactionInput extends MetadataUpdate {
  readonly description?: string | null | undefined;
}

/** Changes a balance transaction's description or metadata: never its amount. */
export function updateBalanceTransaction(
  ctx: ChangeContext,
  update: Update<UpdateBalanceTransactionInput>,
): Promise<Result<CustomerBalanceTransactionRow>> {
  const author = { tenant: ctx.tenant, actor: ctx.actor };
  return updateById({
    name: 'customer balance transaction',
    lock: lockBalanceTransactionById,
    apply: (current: CustomerBalanceTransactionRow, input: UpdateBalanceTransactionInput) =>
      ok({
        description: input.description === undefined ? current.description : input.description,
      }),
    write: async (tx: Kysely<Database>, tenant, id, changes, current, next) => {
      await writeAsOne(tx, [
        updateBalanceTransactionQuery(tx, tenant, id, changes),
        insertEventsQuery(tx, [
          objectEvent(author, {
            type: 'customer_balance_transaction.updated',
            objectType: 'customer_balance_transaction',
            objectId: id,
            object: customerBalanceTransactionResource(next),
            previous: customerBalanceTransactionResource(current),
            now: changes.updated_at,
          }),
        ]),
      ]);
    },
  })(ctx, update);
}
